package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.ModuleFacts;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The security test's findings from the manifest and the module alone: what the plugin asks for against
 * what it uses and what it should need. Nothing here runs the plugin.
 */
final class StaticChecks {

    // Recommended ceilings: the manifest defaults of the design (and for the rate, ten times it).
    static final int RECOMMENDED_MEMORY_MB = 64;
    static final long RECOMMENDED_TIME_MS = 30_000;
    static final int RECOMMENDED_NETWORK_REQUESTS = 100;
    static final int RECOMMENDED_FILE_SIZE_MB = 10;
    static final int RECOMMENDED_RATE_PER_MINUTE = 600;
    /** A signature this close to its expiry is flagged. */
    static final Duration EXPIRING_SOON = Duration.ofDays(30);
    /** Modules above these sizes are flagged (an example plugin is some 50 KiB). */
    static final long LARGE_MODULE_BYTES = 4L * 1024 * 1024;
    static final long OVERSIZE_MODULE_BYTES = 16L * 1024 * 1024;

    private StaticChecks() {
    }

    static List<Finding> check(PluginManifest manifest, ModuleFacts module, Instant now) {
        List<Finding> findings = new ArrayList<>();
        if (module != null) {
            unusedCapabilities(manifest, module, findings);
            size(module, findings);
            interpreted(module, findings);
        }
        limits(manifest.permissions(), findings);
        hosts(manifest, findings);
        paths(manifest, findings);
        signature(manifest, now, findings);
        return findings;
    }

    /** Functions too large for a JVM method: they run, but in the interpreter, one to two orders slower. */
    static void interpreted(ModuleFacts module, List<Finding> findings) {
        if (module.interpretedFunctions() > 0) {
            findings.add(new Finding(Severity.MEDIUM, "INTERPRETED_FUNCTIONS", module.interpretedFunctions()
                    + " function(s) of the module are too large to compile to JVM bytecode (64 KB per method) and"
                    + " run in Chicory's interpreter, far slower than the rest",
                    "split the large function(s): less inlining (Rust: opt-level=s, C: -Os), smaller match/switch"
                    + " bodies, or generated code broken into several functions"));
        }
    }

    /** Capabilities the manifest declares but no import of the module uses. */
    static void unusedCapabilities(PluginManifest manifest, ModuleFacts module, List<Finding> findings) {
        Set<Capability> used = EnumSet.noneOf(Capability.class);
        for (String qualified : module.imports()) {
            if (qualified.startsWith("fluent.")) {
                StandardHostFunction.named(qualified.substring("fluent.".length()))
                        .flatMap(StandardHostFunction::capability).ifPresent(used::add);
            }
        }
        for (Capability c : manifest.capabilities()) {
            if (!used.contains(c)) {
                findings.add(new Finding(Severity.MEDIUM, "UNUSED_CAPABILITY", "capability " + c
                        + " is declared but the module imports none of its host functions",
                        "remove \"" + c + "\" from capabilities: a plugin should ask only for what it uses"));
            }
        }
    }

    static void limits(Permissions p, List<Finding> findings) {
        above(findings, "max_memory_mb", p.maxMemoryMb(), RECOMMENDED_MEMORY_MB, Severity.MEDIUM);
        above(findings, "max_execution_time_ms", p.maxExecutionTimeMs(), RECOMMENDED_TIME_MS, Severity.MEDIUM);
        above(findings, "max_network_requests", p.maxNetworkRequests(), RECOMMENDED_NETWORK_REQUESTS, Severity.LOW);
        above(findings, "max_file_size_mb", p.maxFileSizeMb(), RECOMMENDED_FILE_SIZE_MB, Severity.LOW);
        above(findings, "rate_limit_requests_per_minute", p.rateLimitRequestsPerMinute(),
                RECOMMENDED_RATE_PER_MINUTE, Severity.LOW);
    }

    private static void above(List<Finding> findings, String field, long value, long recommended, Severity s) {
        if (value > recommended) {
            findings.add(new Finding(s, "LIMIT_ABOVE_RECOMMENDED", field + " is " + value
                    + ", above the recommended " + recommended,
                    "lower " + field + " to what the plugin needs (the security test's memory and latency"
                            + " figures show it); operators cap it anyway"));
        }
    }

    static void hosts(PluginManifest manifest, List<Finding> findings) {
        for (String host : manifest.permissions().allowedHosts()) {
            String bare = host.replaceFirst("^[a-z]+://", "");
            if (bare.equals("*") || bare.startsWith("*.") && bare.indexOf('.', 2) < 0) {
                findings.add(new Finding(Severity.HIGH, "BROAD_HOST", "allowed_hosts entry \"" + host
                        + "\" matches a whole top-level domain or every host",
                        "list the exact hosts the plugin calls (api.example.com)"));
            } else if (bare.startsWith("*.")) {
                findings.add(new Finding(Severity.MEDIUM, "BROAD_HOST", "allowed_hosts entry \"" + host
                        + "\" matches every subdomain of " + bare.substring(2),
                        "list the exact hosts the plugin calls instead of a wildcard"));
            }
            if (host.startsWith("http://")) {
                findings.add(new Finding(Severity.MEDIUM, "PLAIN_HTTP", "allowed_hosts entry \"" + host
                        + "\" allows unencrypted HTTP", "use the bare host (https on 443)"));
            }
        }
        if (!manifest.permissions().allowedHosts().isEmpty() && !manifest.requests(Capability.NETWORK_ACCESS)) {
            findings.add(new Finding(Severity.LOW, "UNUSED_PERMISSION", "allowed_hosts is set but the plugin does not"
                    + " declare NetworkAccess", "empty allowed_hosts"));
        }
    }

    static void paths(PluginManifest manifest, List<Finding> findings) {
        for (String path : manifest.permissions().allowedFilePaths()) {
            String p = path.replace('\\', '/');
            if (p.equals("/") || p.equals(".") || p.isEmpty() || p.equals("~") || p.contains("*")
                    || p.matches("/[^/]+/?") || p.matches("[A-Za-z]:/?")) {
                findings.add(new Finding(Severity.HIGH, "BROAD_PATH", "allowed_file_paths entry \"" + path
                        + "\" is a root, a top-level folder or a wildcard",
                        "name the one folder or file the plugin needs"));
            } else if (p.startsWith("/")) {
                findings.add(new Finding(Severity.MEDIUM, "ABSOLUTE_PATH", "allowed_file_paths entry \"" + path
                        + "\" is outside the plugin's own data folder",
                        "prefer a relative path (under the plugin's data folder); an absolute one needs the"
                                + " operator to allow its root"));
            }
        }
        boolean files = manifest.requests(Capability.FILE_SYSTEM_READ) || manifest.requests(Capability.FILE_SYSTEM_WRITE);
        if (!manifest.permissions().allowedFilePaths().isEmpty() && !files) {
            findings.add(new Finding(Severity.LOW, "UNUSED_PERMISSION", "allowed_file_paths is set but the plugin"
                    + " declares no file system capability", "empty allowed_file_paths"));
        }
    }

    static void signature(PluginManifest manifest, Instant now, List<Finding> findings) {
        if (manifest.signature() == null) {
            findings.add(new Finding(Severity.HIGH, "UNSIGNED", "the plugin is not signed: a production platform"
                    + " refuses it, and nothing proves who made it",
                    "fluent-plugin sign --key <private.pem> <folder>"));
        }
        if (manifest.expiresAt() == null) {
            findings.add(new Finding(Severity.LOW, "NO_EXPIRY", "the plugin never expires: a signed version with a"
                    + " flaw stays loadable forever", "set expires_at (create sets a year)"));
        } else if (manifest.expiresAt().isAfter(now) && manifest.expiresAt().isBefore(now.plus(EXPIRING_SOON))) {
            findings.add(new Finding(Severity.MEDIUM, "EXPIRING_SOON", "the plugin expires at "
                    + manifest.expiresAt() + ", in less than " + EXPIRING_SOON.toDays() + " days",
                    "set a later expires_at and sign again"));
        }
    }

    static void size(ModuleFacts module, List<Finding> findings) {
        if (module.sizeBytes() > OVERSIZE_MODULE_BYTES) {
            findings.add(new Finding(Severity.HIGH, "OVERSIZE_MODULE", "plugin.wasm is " + module.sizeBytes()
                    + " bytes, above " + OVERSIZE_MODULE_BYTES, "strip it (build.sh does), drop unused code"));
        } else if (module.sizeBytes() > LARGE_MODULE_BYTES) {
            findings.add(new Finding(Severity.MEDIUM, "OVERSIZE_MODULE", "plugin.wasm is " + module.sizeBytes()
                    + " bytes, above " + LARGE_MODULE_BYTES, "strip it (build.sh does), drop unused code"));
        }
    }
}
