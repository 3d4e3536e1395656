package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Walks the JSON object of one manifest and checks every field against the design's table. Fields are
 * checked in the table's order, so the first error reported does not depend on the order in the file.
 * One reader per manifest; not shared.
 */
final class ManifestReader {

    static final List<String> FIELDS = List.of("name", "version", "description", "author", "engine_type",
            "capabilities", "permissions", "checksum", "signature", "created_at", "expires_at", WarmupPayloads.FIELD);

    static final List<String> PERMISSION_FIELDS = List.of("max_memory_mb", "max_execution_time_ms",
            "max_network_requests", "allowed_hosts", "allowed_file_paths", "max_file_size_mb",
            "rate_limit_requests_per_minute");

    /** wasm32 linear memory cannot exceed 4 GiB. */
    static final int MAX_MEMORY_MB = 4096;
    /** One hour. */
    static final int MAX_EXECUTION_TIME_MS = 3_600_000;
    static final int MAX_NETWORK_REQUESTS = 10_000;
    /** 1 GiB: a file larger than that does not fit a plugin's memory sensibly. */
    static final int MAX_FILE_SIZE_MB = 1024;
    /** A thousand executions a second. */
    static final int MAX_RATE_PER_MINUTE = 60_000;
    static final int MAX_LIST_ENTRIES = 64;
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_AUTHOR = 256;
    static final int MAX_VERSION = 128;
    static final int MAX_SIGNATURE = 4096;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String NAME_RULE =
            "a plugin id of 1-64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit";

    private static final Pattern ENGINE_TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String ENGINE_TYPE_RULE =
            "an identifier of 1-64 characters a-z, 0-9, '_', '-', starting with a letter (e.g. openai)";

    private static final Pattern SEMVER;

    static {
        // Semantic Versioning 2.0.0: numeric identifiers without leading zeros, dot-separated
        // pre-release and build identifiers of [0-9A-Za-z-]
        String number = "(?:0|[1-9][0-9]*)";
        String preRelease = "(?:" + number + "|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*)";
        String build = "[0-9A-Za-z-]+";
        SEMVER = Pattern.compile(number + "\\." + number + "\\." + number
                + "(?:-" + preRelease + "(?:\\." + preRelease + ")*)?"
                + "(?:\\+" + build + "(?:\\." + build + ")*)?");
    }

    private static final String VERSION_RULE = "a semantic version 2.0 such as 1.0.0 or 2.1.0-rc.1+build.5";

    private static final Pattern CHECKSUM = Pattern.compile("[0-9a-f]{64}");
    private static final String CHECKSUM_RULE = "64 lowercase hex digits (the SHA-256 of plugin.wasm)";

    private static final List<String> STANDARD_NAMES = Arrays.stream(Capability.values())
            .map(Capability::manifestName).toList();
    private static final String CAPABILITY_NAMES = String.join(", ", STANDARD_NAMES);

    private final ObjectNode root;
    /** The plugin id once it is known to be valid, for the errors that follow. */
    private String pluginId;

    ManifestReader(ObjectNode root) {
        this.root = root;
    }

    PluginManifest read() throws PluginException {
        JsonNode nameNode = root.get("name");
        if (nameNode != null && nameNode.isTextual() && NAME.matcher(nameNode.textValue()).matches()) {
            pluginId = nameNode.textValue();
        }
        rejectUnknownFields("", root, FIELDS);

        String name = requiredText("name", NAME_RULE);
        if (!NAME.matcher(name).matches()) {
            throw fail("name", "expected " + NAME_RULE + ", got " + Text.quote(name));
        }
        String version = version();
        String description = boundedText("description", MAX_DESCRIPTION);
        String author = boundedText("author", MAX_AUTHOR);
        String engineType = requiredText("engine_type", ENGINE_TYPE_RULE);
        if (!ENGINE_TYPE.matcher(engineType).matches()) {
            throw fail("engine_type", "expected " + ENGINE_TYPE_RULE + ", got " + Text.quote(engineType));
        }
        Declared declared = capabilities();
        Permissions permissions = permissions();
        String checksum = checksum();
        String signature = signature();
        Instant createdAt = timestamp("created_at", false);
        Instant expiresAt = timestamp("expires_at", true);
        if (createdAt != null && expiresAt != null && !expiresAt.isAfter(createdAt)) {
            throw fail("expires_at", root.get("expires_at").textValue() + " is not after created_at "
                    + root.get("created_at").textValue() + "; a plugin must expire after it was created");
        }
        List<String> warmup;
        try {
            warmup = WarmupPayloads.read(root.get(WarmupPayloads.FIELD));
        } catch (IllegalArgumentException e) {
            throw new PluginException(ErrorCode.MANIFEST_INVALID, pluginId, e.getMessage());
        }
        return new PluginManifest(name, version, description, author, engineType, declared.standard(), permissions,
                checksum, signature, createdAt, expiresAt, declared.extensions(), warmup);
    }

    private String version() throws PluginException {
        String version = requiredText("version", VERSION_RULE);
        if (version.length() > MAX_VERSION) {
            throw fail("version", "is " + version.length() + " characters long; at most " + MAX_VERSION
                    + " are allowed");
        }
        if (!SEMVER.matcher(version).matches()) {
            String hint = version.startsWith("v") && SEMVER.matcher(version.substring(1)).matches()
                    ? "; leave out the leading v"
                    : "";
            throw fail("version", "expected " + VERSION_RULE + ", got " + Text.quote(version) + hint);
        }
        return version;
    }

    /** The capabilities a manifest declares: the standard ones, and the others by name. */
    private record Declared(Set<Capability> standard, Set<String> extensions) {
    }

    private Declared capabilities() throws PluginException {
        JsonNode node = root.get("capabilities");
        if (node == null) {
            return new Declared(Set.of(), Set.of());
        }
        if (!node.isArray()) {
            throw fail("capabilities", "expected a list of capability names (" + CAPABILITY_NAMES + "), got "
                    + Text.describe(node) + nullHint(node));
        }
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        Set<String> extensions = new TreeSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "capabilities[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw fail(path, "expected a capability name (" + CAPABILITY_NAMES + "), got "
                        + Text.describe(item));
            }
            String text = item.textValue();
            Capability capability = Capability.fromManifestName(text).orElse(null);
            // A third-party provider's; whether one is installed is the load's question, not the parser's.
            boolean extension = capability == null && Capability.isExtensionName(text);
            if (capability == null && !extension) {
                String hint = Suggestions.closest(text, STANDARD_NAMES).map(s -> "did you mean " + s + "? ").orElse("");
                throw fail(path, "unknown capability " + Text.quote(text) + "; " + hint
                        + "valid capabilities: " + CAPABILITY_NAMES + ", or one of an extension in "
                        + Capability.EXTENSION_FORM);
            }
            if (!(extension ? extensions.add(text) : capabilities.add(capability))) {
                throw fail(path, text + " is listed twice; list each capability once");
            }
        }
        return new Declared(capabilities, extensions);
    }

    private Permissions permissions() throws PluginException {
        JsonNode node = root.get("permissions");
        if (node == null) {
            return Permissions.DEFAULTS;
        }
        if (!node.isObject()) {
            throw fail("permissions", "expected an object with any of " + String.join(", ", PERMISSION_FIELDS)
                    + ", got " + Text.describe(node) + nullHint(node));
        }
        rejectUnknownFields("permissions", node, PERMISSION_FIELDS);
        Permissions defaults = Permissions.DEFAULTS;
        int memory = (int) integer(node, "max_memory_mb", 1, MAX_MEMORY_MB, defaults.maxMemoryMb());
        long time = integer(node, "max_execution_time_ms", 1, MAX_EXECUTION_TIME_MS,
                defaults.maxExecutionTimeMs());
        int requests = (int) integer(node, "max_network_requests", 0, MAX_NETWORK_REQUESTS,
                defaults.maxNetworkRequests());
        List<String> hosts = list(node, "allowed_hosts", "host entries", HostRules::check,
                defaults.allowedHosts());
        List<String> paths = list(node, "allowed_file_paths", "paths", PathRules::check,
                defaults.allowedFilePaths());
        int fileSize = (int) integer(node, "max_file_size_mb", 1, MAX_FILE_SIZE_MB, defaults.maxFileSizeMb());
        int rate = (int) integer(node, "rate_limit_requests_per_minute", 1, MAX_RATE_PER_MINUTE,
                defaults.rateLimitRequestsPerMinute());
        return new Permissions(memory, time, requests, hosts, paths, fileSize, rate);
    }

    /** An integer in {@code [min, max]}: no strings, no fractions or exponents, no {@code null}. */
    private long integer(JsonNode permissions, String field, long min, long max, long fallback)
            throws PluginException {
        JsonNode node = permissions.get(field);
        if (node == null) {
            return fallback;
        }
        String path = "permissions." + field;
        String expected = "expected an integer between " + min + " and " + max + ", got ";
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long value = node.longValue();
            if (value >= min && value <= max) {
                return value;
            }
        }
        String hint = "";
        if (node.isNull()) {
            hint = "; leave the field out for the default " + fallback;
        } else if (node.isFloatingPointNumber()) {
            hint = " (write an integer without a decimal point or exponent)";
        }
        throw fail(path, expected + Text.describe(node) + hint);
    }

    private List<String> list(JsonNode permissions, String field, String what, Consumer<String> rule,
            List<String> fallback) throws PluginException {
        JsonNode node = permissions.get(field);
        if (node == null) {
            return fallback;
        }
        String path = "permissions." + field;
        if (!node.isArray()) {
            throw fail(path, "expected a list of " + what + ", got " + Text.describe(node));
        }
        if (node.size() > MAX_LIST_ENTRIES) {
            throw fail(path, node.size() + " entries; at most " + MAX_LIST_ENTRIES + " are allowed");
        }
        List<String> entries = new ArrayList<>(node.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw fail(itemPath, "expected a string, got " + Text.describe(item));
            }
            String entry = item.textValue();
            checkText(itemPath, entry);
            try {
                rule.accept(entry);
            } catch (IllegalArgumentException e) {
                throw fail(itemPath, e.getMessage());
            }
            if (!seen.add(entry)) {
                throw fail(itemPath, Text.quote(entry) + " is listed twice; list each entry once");
            }
            entries.add(entry);
        }
        return entries;
    }

    private String checksum() throws PluginException {
        String checksum = optionalText("checksum", CHECKSUM_RULE, false);
        if (checksum == null || CHECKSUM.matcher(checksum).matches()) {
            return checksum;
        }
        String hint = CHECKSUM.matcher(checksum.toLowerCase(Locale.ROOT)).matches()
                ? "; write the hex digits in lower case"
                : "";
        throw fail("checksum", "expected " + CHECKSUM_RULE + ", got " + Text.quote(checksum) + hint);
    }

    /** Only the shape; which algorithms and keys are acceptable is the verifiers' business. */
    private String signature() throws PluginException {
        String signature = optionalText("signature", SignatureShape.RULE, true);
        if (signature == null) {
            return null;
        }
        if (signature.length() > MAX_SIGNATURE) {
            throw fail("signature", "is " + signature.length() + " characters long; at most " + MAX_SIGNATURE
                    + " are allowed");
        }
        String problem = SignatureShape.problem(signature);
        if (problem != null) {
            throw fail("signature", problem);
        }
        return signature;
    }

    private Instant timestamp(String field, boolean nullable) throws PluginException {
        String text = optionalText(field, "an RFC 3339 date-time with offset such as " + Timestamps.EXAMPLE,
                nullable);
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    private String requiredText(String field, String rule) throws PluginException {
        JsonNode node = root.get(field);
        if (node == null) {
            throw fail(field, "missing; every manifest needs name, version and engine_type");
        }
        if (!node.isTextual()) {
            throw fail(field, "expected " + rule + ", got " + Text.describe(node));
        }
        return node.textValue();
    }

    /**
     * An optional string field. {@code null} in the JSON counts as absent only where {@code nullable}:
     * for {@code signature} and {@code expires_at}, the fields older tooling writes as {@code null}.
     */
    private String optionalText(String field, String rule, boolean nullable) throws PluginException {
        JsonNode node = root.get(field);
        if (node == null || (nullable && node.isNull())) {
            return null;
        }
        if (!node.isTextual()) {
            throw fail(field, "expected " + rule + ", got " + Text.describe(node) + nullHint(node));
        }
        checkText(field, node.textValue());
        return node.textValue();
    }

    /** Free text (description, author): one line, at most {@code max} characters (code points). */
    private String boundedText(String field, int max) throws PluginException {
        String text = optionalText(field, "text of at most " + max + " characters", false);
        if (text == null) {
            return "";
        }
        int length = text.codePointCount(0, text.length());
        if (length > max) {
            throw fail(field, length + " characters; at most " + max + " are allowed");
        }
        return text;
    }

    /** {@code null} is refused for most optional fields; the fix is to leave the field out. */
    private static String nullHint(JsonNode node) {
        return node.isNull() ? "; leave the field out instead" : "";
    }

    private void checkText(String path, String text) throws PluginException {
        String problem = Text.problem(text);
        if (problem != null) {
            throw fail(path, Text.quote(text) + " " + problem);
        }
    }

    private void rejectUnknownFields(String parent, JsonNode object, List<String> allowed)
            throws PluginException {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String hint = Suggestions.closest(name, allowed)
                        .map(s -> "did you mean " + s + "? Allowed fields: ")
                        .orElse("allowed fields: ");
                throw fail(JsonPaths.child(parent, name), "unknown field; " + hint + String.join(", ", allowed));
            }
        }
    }

    private PluginException fail(String path, String message) {
        return new PluginException(ErrorCode.MANIFEST_INVALID, pluginId, path + ": " + message);
    }
}
