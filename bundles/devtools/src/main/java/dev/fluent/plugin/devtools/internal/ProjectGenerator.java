package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.devtools.NewProject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a new plugin project from the templates in {@code template/} (resources beside this class) and
 * the Rust PDK embedded at build time ({@code template/pdk/}). The manifest is checked by the platform's
 * own parser before anything is written.
 */
final class ProjectGenerator {

    /** The PDK's files, as pdk/rust holds them: its Cargo.toml, then its sources under src/. */
    static final List<String> PDK_FILES = List.of("Cargo.toml", "src/lib.rs", "src/abi.rs", "src/host.rs",
            "src/json.rs", "src/fakes.rs");
    /** How long a new plugin is valid: signing keeps this date, so a year between releases. */
    static final Duration VALIDITY = Duration.ofDays(365);
    /** The all-zero placeholder build.sh replaces with the module's SHA-256. */
    static final String CHECKSUM_PLACEHOLDER = "0".repeat(64);

    private final ManifestParser parser;
    private final Clock clock;

    ProjectGenerator(ManifestParser parser, Clock clock) {
        this.parser = parser;
        this.clock = clock;
    }

    Path create(NewProject project) throws PluginException {
        String manifest = manifest(project);
        parser.parse(manifest.getBytes(StandardCharsets.UTF_8)); // the platform's rules, before any file exists
        Path folder = project.outputDirectory().toAbsolutePath().normalize().resolve(project.name());
        if (Files.exists(folder)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, project.name(), folder
                    + " exists already; choose another --output or name");
        }
        Map<String, String> values = Map.of(
                "name", project.name(),
                "engine_type", project.engineType(),
                "crate_name", project.name().replaceAll("[^a-z0-9_]", "_"),
                "capabilities", project.capabilities().isEmpty() ? "none" : capabilities(project),
                "capability_calls", capabilityCalls(project),
                "capability_tests", capabilityTests(project));
        try {
            Files.createDirectories(folder.resolve("src"));
            Files.createDirectories(folder.resolve("pdk/src"));
            Files.writeString(folder.resolve("manifest.json"), manifest);
            Files.writeString(folder.resolve("src/lib.rs"), fill(template("lib.rs"), values));
            Files.writeString(folder.resolve("Cargo.toml"), fill(template("Cargo.toml"), values));
            Files.writeString(folder.resolve("README.md"), fill(template("README.md"), values));
            Files.writeString(folder.resolve(".gitignore"), template("gitignore"));
            Path build = folder.resolve("build.sh");
            Files.writeString(build, fill(template("build.sh"), values));
            try {
                Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                build.toFile().setExecutable(true);
            }
            for (String file : PDK_FILES) {
                Files.writeString(folder.resolve("pdk").resolve(file), template("pdk/" + file));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, project.name(),
                    "cannot write the project into " + folder + ": " + e.getMessage(), e);
        }
        return folder;
    }

    /** Conservative limits, only the requested capabilities, a placeholder checksum build.sh replaces. */
    String manifest(NewProject p) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        boolean network = p.capabilities().contains(Capability.NETWORK_ACCESS);
        String caps = p.capabilities().isEmpty() ? "[]" : "[" + EnumSet.copyOf(p.capabilities()).stream()
                .map(c -> "\"" + c.manifestName() + "\"").collect(Collectors.joining(", ")) + "]";
        return "{\n"
                + "  \"name\": " + quote(p.name()) + ",\n"
                + "  \"version\": \"0.1.0\",\n"
                + "  \"description\": " + quote("A " + p.engineType() + " engine.") + ",\n"
                + "  \"author\": " + quote(p.author()) + ",\n"
                + "  \"engine_type\": " + quote(p.engineType()) + ",\n"
                + "  \"capabilities\": " + caps + ",\n"
                + "  \"permissions\": {\n"
                + "    \"max_memory_mb\": 16,\n"
                + "    \"max_execution_time_ms\": 5000,\n"
                + "    \"max_network_requests\": " + (network ? 5 : 0) + ",\n"
                + "    \"allowed_hosts\": [],\n"
                + "    \"allowed_file_paths\": [],\n"
                + "    \"max_file_size_mb\": 1,\n"
                + "    \"rate_limit_requests_per_minute\": 60\n"
                + "  },\n"
                + "  \"checksum\": \"" + CHECKSUM_PLACEHOLDER + "\",\n"
                + "  \"created_at\": \"" + now + "\",\n"
                + "  \"expires_at\": \"" + now.plus(VALIDITY) + "\"\n"
                + "}\n";
    }

    private static String capabilities(NewProject p) {
        return EnumSet.copyOf(p.capabilities()).stream().map(Capability::manifestName)
                .collect(Collectors.joining(", "));
    }

    /** A first use of each capability that needs no setting, so the module imports what it declares. */
    private static String capabilityCalls(NewProject p) {
        StringBuilder calls = new StringBuilder();
        if (p.capabilities().contains(Capability.LOGGING_ACCESS)) {
            calls.append("    fluent_pdk::host::info(\"request received\");\n");
        }
        if (p.capabilities().contains(Capability.METRICS_ACCESS)) {
            calls.append("    let _ = fluent_pdk::host::counter(\"requests\", 1);\n");
        }
        for (Capability c : EnumSet.complementOf(EnumSet.of(Capability.LOGGING_ACCESS, Capability.METRICS_ACCESS))) {
            if (p.capabilities().contains(c)) {
                calls.append("    // ").append(c.manifestName()).append(": see fluent_pdk::host (")
                        .append(hint(c)).append("); set its limits in manifest.json first.\n");
            }
        }
        return calls.toString();
    }

    /**
     * A unit test of the calls {@link #capabilityCalls} writes, on the PDK's fakes of the host; without such a
     * call, one that shows the fakes saw none.
     */
    private static String capabilityTests(NewProject p) {
        StringBuilder tests = new StringBuilder();
        if (p.capabilities().contains(Capability.LOGGING_ACCESS)) {
            tests.append("""
                        #[test]
                        fn logs_each_request() {
                            // Natively the PDK's fakes stand in for the host and record what the plugin did.
                            handle(Request::new("hello")).unwrap();
                            let lines = fakes::log::lines();
                            assert_eq!(lines, [(fluent_pdk::host::LogLevel::Info, String::from("request received"))]);
                        }
                    """);
        }
        if (p.capabilities().contains(Capability.METRICS_ACCESS)) {
            tests.append(tests.isEmpty() ? "" : "\n").append("""
                        #[test]
                        fn counts_each_request() {
                            handle(Request::new("hello")).unwrap();
                            handle(Request::new("again")).unwrap();
                            assert_eq!(fakes::metrics::counter("requests"), 2);
                        }
                    """);
        }
        if (tests.isEmpty()) {
            tests.append("""
                        #[test]
                        fn calls_no_host_function() {
                            // Natively the PDK's fakes stand in for the host: fakes::config::set,
                            // fakes::http::respond_with … set its answers; fakes::log::lines,
                            // fakes::http::requests … show what the plugin did.
                            handle(Request::new("hello")).unwrap();
                            assert!(fakes::log::lines().is_empty() && fakes::http::requests().is_empty());
                        }
                    """);
        }
        return tests.toString();
    }

    private static String hint(Capability c) {
        return switch (c) {
            case NETWORK_ACCESS -> "http_request; list the hosts in allowed_hosts; tests: fakes::http";
            case FILE_SYSTEM_READ -> "fs_read; list the paths in allowed_file_paths; tests: fakes::fs";
            case FILE_SYSTEM_WRITE -> "fs_write; list the paths in allowed_file_paths; tests: fakes::fs";
            case ENVIRONMENT_ACCESS -> "env_get; tests: fakes::env";
            case CONFIGURATION_ACCESS -> "config_get; tests: fakes::config";
            case CACHE_ACCESS -> "cache_get, cache_put; tests: fakes::cache";
            default -> c.manifestName();
        };
    }

    static String fill(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return out;
    }

    static String template(String name) {
        try (InputStream in = ProjectGenerator.class.getResourceAsStream("template/" + name)) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the devtools bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
