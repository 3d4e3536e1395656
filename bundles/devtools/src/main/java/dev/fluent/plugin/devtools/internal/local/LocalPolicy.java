package dev.fluent.plugin.devtools.internal.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.HostPattern;
import dev.fluent.plugin.devtools.CommandFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plugin author's local policy ({@value #FILE_NAME} next to the plugin, or a file named on the command line):
 * what a local run of the plugin may reach through the real capability providers. It plays the parts the
 * operator plays on the platform: the policy's hosts, loopback and private addresses, roots and data folder
 * (handed to the runtime's own policy, so the manifest ∩ policy rules are the platform's), the plugin's
 * configuration values (ConfigurationAccess) and the environment variables exposed to it (EnvironmentAccess).
 * Parsed strictly: an unknown field or a value of the wrong kind is an error naming the field, since a typo
 * here would otherwise silently grant less (or more) than the author meant.
 *
 * @param allowedHosts {@code allowed_hosts} entries that may be granted (manifest syntax); empty: none
 * @param allowLoopback whether requests may reach loopback addresses (a test server on this machine)
 * @param allowPrivateAddresses whether requests may reach private and link-local addresses
 * @param allowedRoots absolute folders inside which the manifest's absolute {@code allowed_file_paths} may lie
 * @param dataDir the folder holding the plugin's data folder ({@code <dataDir>/<plugin-id>}), or {@code null}
 *        for a temporary one deleted after the run
 * @param config the plugin's configuration values, as {@code config_get} answers them
 * @param environment names of the environment variables {@code env_get} may read
 */
public record LocalPolicy(List<String> allowedHosts, boolean allowLoopback, boolean allowPrivateAddresses,
        List<Path> allowedRoots, Path dataDir, Map<String, String> config, List<String> environment) {

    /** The local policy's name next to a plugin's manifest.json. */
    public static final String FILE_NAME = "local-policy.json";

    private static final Set<String> FIELDS = Set.of("allowed_hosts", "allow_loopback", "allow_private_addresses",
            "allowed_roots", "data_dir", "config", "environment");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    public LocalPolicy {
        allowedHosts = List.copyOf(allowedHosts);
        allowedRoots = List.copyOf(allowedRoots);
        config = Map.copyOf(config);
        environment = List.copyOf(environment);
    }

    /**
     * Reads a local policy. Relative {@code allowed_roots} and {@code data_dir} are taken from the file's folder,
     * so a policy next to a plugin can name fixtures beside it.
     *
     * @throws CommandFailure {@code local policy <file>: <field> …}, naming the field and what it must be
     */
    public static LocalPolicy read(Path file) throws CommandFailure {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw invalid(file, "is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid(file, "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(file, "must hold one JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(file, "unknown field \"" + name + "\"; known: " + FIELDS.stream().sorted().toList());
            }
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        List<String> hosts = strings(file, root, "allowed_hosts");
        for (String host : hosts) {
            try {
                HostPattern.parse(host);
            } catch (IllegalArgumentException e) {
                throw invalid(file, "allowed_hosts entry \"" + host + "\" is not a host entry (host, *.domain or"
                        + " scheme://host:port): " + e.getMessage());
            }
        }
        List<Path> roots = new ArrayList<>();
        for (String root0 : strings(file, root, "allowed_roots")) {
            roots.add(path(file, base, "allowed_roots", root0));
        }
        JsonNode dataDir = root.get("data_dir");
        if (dataDir != null && !dataDir.isTextual()) {
            throw invalid(file, "data_dir must be a string (a folder)");
        }
        List<String> variables = strings(file, root, "environment");
        for (String name : variables) {
            if (!VARIABLE.matcher(name).matches()) {
                throw invalid(file, "environment entry \"" + name + "\" is not a variable name (letters, digits"
                        + " and '_', not starting with a digit)");
            }
        }
        return new LocalPolicy(hosts, flag(file, root, "allow_loopback"), flag(file, root, "allow_private_addresses"),
                roots, dataDir == null ? null : path(file, base, "data_dir", dataDir.asText()), config(file, root),
                variables);
    }

    private static List<String> strings(Path file, JsonNode root, String field) throws CommandFailure {
        JsonNode node = root.get(field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(file, field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw invalid(file, field + " must hold only non-empty strings, found " + item);
            }
            values.add(item.asText().trim());
        }
        return values;
    }

    private static boolean flag(Path file, JsonNode root, String field) throws CommandFailure {
        JsonNode node = root.get(field);
        if (node != null && !node.isBoolean()) {
            throw invalid(file, field + " must be true or false, found " + node);
        }
        return node != null && node.booleanValue();
    }

    private static Map<String, String> config(Path file, JsonNode root) throws CommandFailure {
        JsonNode node = root.get("config");
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(file, "config must be an object of string values, e.g. {\"api_key\": \"…\"}");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw invalid(file, "config." + e.getKey() + " must be a string, found " + e.getValue());
            }
            values.put(e.getKey(), e.getValue().asText());
        }
        return values;
    }

    private static Path path(Path file, Path base, String field, String value) throws CommandFailure {
        try {
            return base.resolve(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw invalid(file, field + " entry \"" + value + "\" is not a path: " + e.getMessage());
        }
    }

    private static CommandFailure invalid(Path file, String problem) {
        return new CommandFailure("local policy " + file + ": " + problem + " (format: docs/plugin-authoring.md,"
                + " \"Run locally\")");
    }
}
