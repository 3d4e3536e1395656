package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.ProjectLanguage;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a new plugin project from the templates in {@code template/} (resources beside this class;
 * {@code template/c/} for C) and the PDK embedded at build time ({@code template/pdk/} from pdk/rust,
 * {@code template/c-pdk/} from pdk/c). The manifest is checked by the platform's
 * own parser before anything is written.
 */
final class ProjectGenerator {

    /** The PDK's files, as pdk/rust holds them: its Cargo.toml, then its sources under src/. */
    static final List<String> PDK_FILES = List.of("Cargo.toml", "src/lib.rs", "src/abi.rs", "src/host.rs",
            "src/imports.rs", "src/json.rs", "src/fakes.rs", "src/fakes/imports.rs");
    /** The C PDK's files, as pdk/c holds them. */
    static final List<String> C_PDK_FILES = List.of("fluent_plugin.h", "fluent_plugin.c", "fluent_fakes.h",
            "fluent_fakes.c");
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
            Map<String, String> files = project.language() == ProjectLanguage.C
                    ? cFiles(values, CTests.forCapabilities(project.capabilities())) : rustFiles(values);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("manifest.json"), manifest);
            Files.writeString(folder.resolve(".gitignore"), template("gitignore"));
            // An example only: run picks up local-policy.json, which the author writes when ready for real hosts.
            Files.writeString(folder.resolve("local-policy.example.json"), template("local-policy.example.json"));
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = folder.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            Path build = folder.resolve("build.sh");
            try {
                Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                build.toFile().setExecutable(true);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, project.name(),
                    "cannot write the project into " + folder + ": " + e.getMessage(), e);
        }
        return folder;
    }

    /** A Rust project: the plugin, its Cargo package, the build script and the PDK (pdk/rust) it builds on. */
    private static Map<String, String> rustFiles(Map<String, String> values) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/lib.rs", fill(template("lib.rs"), values));
        files.put("Cargo.toml", fill(template("Cargo.toml"), values));
        files.put("README.md", fill(template("README.md"), values));
        files.put("build.sh", fill(template("build.sh"), values));
        for (String file : PDK_FILES) {
            files.put("pdk/" + file, template("pdk/" + file));
        }
        return files;
    }

    /** A C project: the plugin, its native tests, the build script and the C PDK (pdk/c) it builds on. */
    private static Map<String, String> cFiles(Map<String, String> values, CTests.Generated tests) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/plugin.c", fill(template("c/plugin.c"), values));
        Map<String, String> testValues = new LinkedHashMap<>(values);
        testValues.put("capability_tests", tests.functions());
        testValues.put("capability_test_names", tests.names());
        files.put("src/test.c", fill(template("c/test.c"), testValues));
        files.put("README.md", fill(template("c/README.md"), values));
        files.put("build.sh", template("c/build.sh"));
        for (String file : C_PDK_FILES) {
            files.put("pdk/" + file, template("c-pdk/" + file));
        }
        return files;
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
        boolean c = p.language() == ProjectLanguage.C;
        StringBuilder calls = new StringBuilder();
        if (p.capabilities().contains(Capability.LOGGING_ACCESS)) {
            calls.append(c ? "    fluent_log(FLUENT_INFO, \"request received\");\n"
                    : "    fluent_pdk::host::info(\"request received\");\n");
        }
        if (p.capabilities().contains(Capability.METRICS_ACCESS)) {
            calls.append(c ? "    fluent_counter(\"requests\", 1);\n"
                    : "    let _ = fluent_pdk::host::counter(\"requests\", 1);\n");
        }
        for (Capability cap : EnumSet.complementOf(EnumSet.of(Capability.LOGGING_ACCESS, Capability.METRICS_ACCESS))) {
            if (p.capabilities().contains(cap)) {
                String use = cap.manifestName() + ": see " + (c ? "pdk/fluent_plugin.h (" : "fluent_pdk::host (")
                        + hint(cap, c) + "); set its limits in manifest.json first.";
                calls.append(c ? "    /* " + use + " */\n" : "    // " + use + "\n");
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

    private static String hint(Capability capability, boolean c) {
        return switch (capability) {
            case NETWORK_ACCESS -> (c ? "fluent_http_request_send" : "http_request; tests: fakes::http")
                    + "; list the hosts in allowed_hosts";
            case FILE_SYSTEM_READ -> (c ? "fluent_fs_read" : "fs_read; tests: fakes::fs")
                    + "; list the paths in allowed_file_paths";
            case FILE_SYSTEM_WRITE -> (c ? "fluent_fs_write" : "fs_write; tests: fakes::fs")
                    + "; list the paths in allowed_file_paths";
            case ENVIRONMENT_ACCESS -> c ? "fluent_env_get" : "env_get; tests: fakes::env";
            case CONFIGURATION_ACCESS -> c ? "fluent_config_get" : "config_get; tests: fakes::config";
            case CACHE_ACCESS -> c ? "fluent_cache_get, fluent_cache_put" : "cache_get, cache_put; tests: fakes::cache";
            default -> capability.manifestName();
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
