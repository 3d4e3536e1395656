package dev.fluent.plugin.runtime.internal.policy;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.HostPattern;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's policy, read from the platform's configuration ({@value #PID}, the keys below;
 * development mode shares the PID). Every key may be set for one plugin by appending {@code .<plugin-id>},
 * e.g. {@code allow_loopback.openai-engine = true}; that value replaces the platform-wide one, except for
 * {@value #FORBIDDEN_CAPABILITIES}, where both apply.
 *
 * <ul>
 * <li>{@code max_memory_mb}, {@code max_execution_time_ms}, {@code max_network_requests},
 * {@code max_file_size_mb}, {@code rate_limit_requests_per_minute}: the most a manifest gets of each. Memory
 * is fixed when an instance is made, so a manifest asking more memory than the cap is refused at load; the
 * other limits are cut to the cap.</li>
 * <li>{@value #FORBIDDEN_CAPABILITIES}: capabilities no plugin (or that plugin) may hold; a manifest
 * declaring one is refused at load with {@code CAPABILITY_NOT_GRANTED}.</li>
 * <li>{@value #ALLOWED_HOSTS}: the {@code allowed_hosts} entries that may ever be granted, in the manifest's
 * syntax; a manifest entry is granted only if one of them covers it. Unset: any host.</li>
 * <li>{@value #ALLOWED_ROOTS}: folders inside which absolute {@code allowed_file_paths} may lie. Unset: none,
 * so only paths under the plugin's data folder.</li>
 * <li>{@value #ALLOW_LOOPBACK}, {@value #ALLOW_PRIVATE}: whether network requests may reach loopback, or
 * private and link-local (cloud metadata) addresses. Default false.</li>
 * <li>{@value #DATA_DIR}: the folder holding each plugin's data folder ({@code <dir>/<plugin-id>}).</li>
 * <li>{@value #REQUIRE_EXPIRY}: a plugin whose manifest has no {@code expires_at} (one that would never
 * expire) is refused at load. Default false.</li>
 * </ul>
 */
public final class OperatorPolicy implements PolicyService {

    /** The platform's configuration, {@code etc/dev.fluent.plugin.cfg}: this policy and the runtime's settings. */
    public static final String PID = "dev.fluent.plugin";

    public static final String MAX_MEMORY = "max_memory_mb";
    public static final String MAX_TIME = "max_execution_time_ms";
    public static final String MAX_REQUESTS = "max_network_requests";
    public static final String MAX_FILE_SIZE = "max_file_size_mb";
    public static final String MAX_RATE = "rate_limit_requests_per_minute";
    public static final String FORBIDDEN_CAPABILITIES = "forbidden_capabilities";
    public static final String ALLOWED_HOSTS = "allowed_hosts";
    public static final String ALLOWED_ROOTS = "allowed_roots";
    public static final String ALLOW_LOOPBACK = "allow_loopback";
    public static final String ALLOW_PRIVATE = "allow_private_addresses";
    public static final String DATA_DIR = "plugin_data_dir";
    public static final String REQUIRE_EXPIRY = "require_expires_at";

    private static final Logger LOG = LoggerFactory.getLogger(OperatorPolicy.class);
    private static final String WHERE = " in etc/" + PID + ".cfg";

    private final Map<String, ?> settings;
    private final Path dataDir;

    /** @param settings the configuration's properties; unknown keys are ignored (other parts use them) */
    public OperatorPolicy(Map<String, ?> settings) {
        this.settings = settings == null ? Map.of() : Map.copyOf(settings);
        Object dir = this.settings.get(DATA_DIR);
        this.dataDir = dir != null && !String.valueOf(dir).isBlank()
                ? Path.of(String.valueOf(dir).trim()).toAbsolutePath().normalize()
                : defaultDataDir();
    }

    /** The data folder of plugin {@code id}: {@value #DATA_DIR}{@code /<id>}. */
    public Path dataFolder(String id) {
        return dataDir.resolve(id);
    }

    /** {@code ${karaf.data}/fluent-plugin/plugin-data}, or {@code plugin-data} outside Karaf. */
    public static Path defaultDataDir() {
        String data = System.getProperty("karaf.data");
        return (data == null ? Path.of("plugin-data") : Path.of(data, "fluent-plugin", "plugin-data"))
                .toAbsolutePath().normalize();
    }

    @Override
    public void check(PluginManifest manifest) throws PluginException {
        String id = manifest.name();
        if (manifest.expiresAt() == null && flag(REQUIRE_EXPIRY, id)) {
            throw new PluginException(ErrorCode.POLICY_REFUSED, id, "plugin " + id + " has no expires_at, and the"
                    + " operator's policy requires one (" + REQUIRE_EXPIRY + WHERE + "): ask its author for a"
                    + " version that expires");
        }
        Set<String> forbidden = forbidden(id);
        for (String c : manifest.capabilityNames()) {
            if (forbidden.contains(c)) {
                throw new PluginException(ErrorCode.CAPABILITY_NOT_GRANTED, id, "plugin " + id + " declares "
                        + c + ", which the operator's policy forbids (" + FORBIDDEN_CAPABILITIES + WHERE
                        + "); remove it from the manifest or ask the operator to allow it");
            }
        }
        long memoryCap = number(MAX_MEMORY, id);
        if (manifest.permissions().maxMemoryMb() > memoryCap) {
            throw new PluginException(ErrorCode.LIMIT_EXCEEDED, id, "plugin " + id + " asks for max_memory_mb="
                    + manifest.permissions().maxMemoryMb() + "; the operator's policy allows at most " + memoryCap
                    + " (" + MAX_MEMORY + WHERE + ")");
        }
    }

    @Override
    public Grant grant(PluginManifest manifest) {
        String id = manifest.name();
        Set<String> forbidden = forbidden(id);
        Set<Capability> capabilities = manifest.capabilities().isEmpty()
                ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(manifest.capabilities());
        capabilities.removeIf(c -> forbidden.contains(c.manifestName()));
        Set<String> extensions = new TreeSet<>(manifest.extensionCapabilities());
        extensions.removeAll(forbidden);
        Permissions asked = manifest.permissions();
        List<Path> roots = roots(id);
        Permissions granted = new Permissions(
                (int) Math.min(asked.maxMemoryMb(), number(MAX_MEMORY, id)),
                Math.min(asked.maxExecutionTimeMs(), number(MAX_TIME, id)),
                (int) Math.min(asked.maxNetworkRequests(), number(MAX_REQUESTS, id)),
                hosts(id, asked.allowedHosts()),
                paths(asked.allowedFilePaths(), roots),
                (int) Math.min(asked.maxFileSizeMb(), number(MAX_FILE_SIZE, id)),
                (int) Math.min(asked.rateLimitRequestsPerMinute(), number(MAX_RATE, id)));
        return new Grant(id, capabilities, granted, roots, dataFolder(id),
                flag(ALLOW_LOOPBACK, id), flag(ALLOW_PRIVATE, id), extensions);
    }

    /** The value for one plugin: {@code key.<plugin-id>} if set, else {@code key}. */
    private Object value(String key, String pluginId) {
        Object specific = settings.get(key + "." + pluginId);
        return specific != null ? specific : settings.get(key);
    }

    private long number(String key, String pluginId) {
        Object v = value(key, pluginId);
        if (v == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Math.max(0, Long.parseLong(String.valueOf(v).trim()));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring {} = {}{}: not a number", key, v, WHERE);
            return Long.MAX_VALUE;
        }
    }

    private boolean flag(String key, String pluginId) {
        Object v = value(key, pluginId);
        return v != null && Boolean.parseBoolean(String.valueOf(v).trim());
    }

    /** The forbidden capabilities, by name: standard ones as manifests write them, the others as given. */
    private Set<String> forbidden(String pluginId) {
        Set<String> result = new TreeSet<>();
        for (Object key : new Object[] {FORBIDDEN_CAPABILITIES, FORBIDDEN_CAPABILITIES + "." + pluginId}) {
            for (String name : items(settings.get(key))) {
                Capability c = capability(name);
                if (c != null) {
                    result.add(c.manifestName());
                } else if (Capability.isExtensionName(name)) {
                    result.add(name);
                } else {
                    LOG.warn("Ignoring '{}' in {}{}: not a capability", name, key, WHERE);
                }
            }
        }
        return result;
    }

    private static Capability capability(String name) {
        for (Capability c : Capability.values()) {
            if (c.manifestName().equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    /** The manifest's host entries that a policy entry covers; all of them when the policy names none. */
    private List<String> hosts(String pluginId, List<String> asked) {
        Object policy = value(ALLOWED_HOSTS, pluginId);
        if (policy == null) {
            return asked;
        }
        List<HostPattern> allowed = new ArrayList<>();
        for (String entry : items(policy)) {
            try {
                allowed.add(HostPattern.parse(entry));
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring '{}' in {}{}: {}", entry, ALLOWED_HOSTS, WHERE, e.getMessage());
            }
        }
        List<String> granted = new ArrayList<>();
        for (String entry : asked) {
            try {
                HostPattern p = HostPattern.parse(entry);
                if (allowed.stream().anyMatch(a -> a.covers(p))) {
                    granted.add(entry);
                }
            } catch (IllegalArgumentException e) {
                // not grantable
            }
        }
        return granted;
    }

    private List<Path> roots(String pluginId) {
        List<Path> roots = new ArrayList<>();
        for (String entry : items(value(ALLOWED_ROOTS, pluginId))) {
            try {
                Path p = Path.of(entry);
                if (p.isAbsolute()) {
                    roots.add(p.normalize());
                } else {
                    LOG.warn("Ignoring '{}' in {}{}: a root must be an absolute path", entry, ALLOWED_ROOTS, WHERE);
                }
            } catch (InvalidPathException e) {
                LOG.warn("Ignoring '{}' in {}{}: not a path", entry, ALLOWED_ROOTS, WHERE);
            }
        }
        return roots;
    }

    /** Relative entries (under the data folder) and absolute ones inside a root. */
    private static List<String> paths(List<String> asked, List<Path> roots) {
        List<String> granted = new ArrayList<>();
        for (String entry : asked) {
            try {
                Path p = Path.of(entry);
                if (!p.isAbsolute() || roots.stream().anyMatch(r -> p.normalize().startsWith(r))) {
                    granted.add(entry);
                }
            } catch (InvalidPathException e) {
                // not grantable
            }
        }
        return granted;
    }

    /** A list value: a collection, an array, or a comma-separated string. */
    public static List<String> items(Object value) {
        Collection<?> raw;
        if (value == null) {
            return List.of();
        } else if (value instanceof Collection<?> c) {
            raw = c;
        } else if (value instanceof Object[] array) {
            raw = Arrays.asList(array);
        } else {
            raw = Arrays.asList(String.valueOf(value).split(","));
        }
        List<String> items = new ArrayList<>();
        for (Object item : raw) {
            String text = String.valueOf(item).trim();
            if (!text.isEmpty()) {
                items.add(text);
            }
        }
        return items;
    }

    @Override
    public String name() {
        return "operator (etc/" + PID + ".cfg)";
    }
}
