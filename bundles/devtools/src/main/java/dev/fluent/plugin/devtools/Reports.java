package dev.fluent.plugin.devtools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.ModuleFacts;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.api.inspect.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text and JSON forms of the reports, the same in the shell and the command line: {@link AuthoringCommands}
 * writes them.
 */
public final class Reports {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    /** One line for the outcome of {@link PluginDevTools#validate}. */
    public static String summary(Inspection inspection) {
        String id = inspection.manifest() == null ? inspection.folder().toString() : inspection.manifest().name();
        long errors = inspection.problems().stream().filter(p -> p.severity() == Severity.HIGH).count();
        return inspection.loads()
                ? "validate " + id + ": OK, passes every load check"
                : "validate " + id + ": " + errors + " error(s), the plugin does not load";
    }

    /**
     * What {@code inspect} shows above the problems, one line each: the manifest (name, version, engine,
     * capabilities, limits, signer, validity) when it parses, the module (size, memory, imports, exports) when
     * it is valid.
     */
    public static List<String> facts(Inspection inspection) {
        List<String> lines = new ArrayList<>();
        PluginManifest m = inspection.manifest();
        if (m != null) {
            lines.add(String.format("plugin        %s %s (engine %s)", m.name(), m.version(), m.engineType()));
            lines.add(String.format("capabilities  %s", m.capabilityNames().isEmpty() ? "none" : m.capabilityNames()));
            lines.add("limits        " + limits(m.permissions()));
            lines.add(String.format("signed        %s", m.signature() == null ? "no" : "by key " + m.signatureKeyId()));
            lines.add(String.format("valid         %s .. %s", m.createdAt(),
                    m.expiresAt() == null ? "never expires" : m.expiresAt()));
        }
        ModuleFacts f = inspection.module();
        if (f != null) {
            lines.add(String.format("module        %d bytes, memory %d pages initial, %s maximum", f.sizeBytes(),
                    f.initialMemoryPages(), f.maximumMemoryPages() < 0 ? "no" : f.maximumMemoryPages() + " pages"));
            lines.add(String.format("imports       %s",
                    f.imports().isEmpty() ? "none" : String.join(", ", f.imports())));
            lines.add(String.format("exports       %s", String.join(", ", f.exports())));
        }
        return lines;
    }

    /** A manifest's limits in words, as {@code plugin:show} lists them. */
    public static String limits(Permissions p) {
        return String.format("memory %d MiB, time %d ms, network requests %d, hosts %s, file paths %s,"
                + " file size %d MiB, rate %d/min", p.maxMemoryMb(), p.maxExecutionTimeMs(), p.maxNetworkRequests(),
                p.allowedHosts().isEmpty() ? "none" : String.join(" ", p.allowedHosts()),
                p.allowedFilePaths().isEmpty() ? "none" : String.join(" ", p.allowedFilePaths()),
                p.maxFileSizeMb(), p.rateLimitRequestsPerMinute());
    }

    /** Each finding on two lines (what, then {@code fix:}), for people. */
    public static String text(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append(String.format("%-6s %s: %s%n", f.severity(), f.code(), f.message()));
            if (!f.fix().isEmpty()) {
                out.append("       fix: ").append(f.fix()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /**
     * What the plugin called on the sandbox's fakes during the probes, per declared capability: each distinct
     * call ({@code function argument: outcome}) with how often it was made, or {@code not called}. Nothing when
     * the plugin did not run. Arguments come from the plugin and are escaped.
     */
    public static String hostCalls(SecurityReport report) {
        if (report.probes() == 0 || (report.declared().isEmpty() && report.declaredExtensions().isEmpty())) {
            return "";
        }
        StringBuilder out = new StringBuilder("host calls during the probes (served by fakes; nothing reached the"
                + " platform):").append(System.lineSeparator());
        Map<Capability, Map<String, Integer>> calls = grouped(report);
        for (Capability capability : sorted(report.declared())) {
            Map<String, Integer> made = calls.getOrDefault(capability, Map.of());
            if (made.isEmpty()) {
                out.append(String.format("  %-18s not called%n", capability.manifestName()));
            }
            made.forEach((call, count) -> out.append(String.format("  %-18s %s%s%n", capability.manifestName(),
                    SafeText.escape(call), count > 1 ? " (x" + count + ")" : "")));
        }
        for (String extension : report.declaredExtensions()) {
            out.append(String.format("  %-18s not exercised: a third-party capability, not served in the sandbox"
                    + " (its calls answer \"not served\"); test it against its provider%n", extension));
        }
        return out.toString();
    }

    /** Per capability, each distinct {@code function argument: outcome} with its count, in the order first made. */
    private static Map<Capability, Map<String, Integer>> grouped(SecurityReport report) {
        Map<Capability, Map<String, Integer>> calls = new LinkedHashMap<>();
        for (SandboxCall c : report.hostCalls()) {
            String call = c.function() + (c.argument().isEmpty() ? "" : " " + c.argument()) + ": " + c.outcome();
            calls.computeIfAbsent(c.capability(), k -> new LinkedHashMap<>()).merge(call, 1, Integer::sum);
        }
        return calls;
    }

    private static List<Capability> sorted(java.util.Set<Capability> capabilities) {
        return capabilities.stream().sorted().toList();
    }

    public static String json(Inspection inspection) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", inspection.manifest() == null ? null : inspection.manifest().name());
        out.put("folder", inspection.folder().toString());
        out.put("loads", inspection.loads());
        out.put("problems", findings(inspection.problems()));
        return write(out);
    }

    public static String json(SecurityReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", report.pluginId());
        out.put("folder", report.folder().toString());
        out.put("passed", !report.failed());
        out.put("probes", report.probes());
        out.put("high", report.count(Severity.HIGH));
        out.put("medium", report.count(Severity.MEDIUM));
        out.put("low", report.count(Severity.LOW));
        out.put("findings", findings(report.findings()));
        Map<String, Object> calls = new LinkedHashMap<>();
        for (Capability capability : sorted(report.declared())) {
            List<Map<String, Object>> made = new ArrayList<>();
            Map<String, Map<String, Object>> distinct = new LinkedHashMap<>();
            for (SandboxCall c : report.hostCalls()) {
                if (c.capability() == capability) {
                    Map<String, Object> one = distinct.computeIfAbsent(c.function() + "\n" + c.argument() + "\n"
                            + c.outcome(), k -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("function", c.function());
                                m.put("argument", c.argument());
                                m.put("outcome", c.outcome());
                                m.put("count", 0);
                                made.add(m);
                                return m;
                            });
                    one.put("count", (Integer) one.get("count") + 1);
                }
            }
            calls.put(capability.manifestName(), made);
        }
        // Named with no calls: the sandbox does not serve third-party capabilities.
        report.declaredExtensions().forEach(extension -> calls.put(extension, List.of()));
        out.put("host_calls", calls);
        return write(out);
    }

    /** An engine's response with every field, on one line, as {@code run --json} prints it. */
    public static String json(EngineResponse r) {
        return write(JSON, JsonViews.response(r));
    }

    /** The same, indented for people, as {@code plugin:execute --json} prints it. */
    public static String prettyJson(EngineResponse r) {
        return write(PRETTY, JsonViews.response(r));
    }

    private static List<Map<String, Object>> findings(List<Finding> findings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("severity", f.severity().name());
            one.put("code", f.code());
            one.put("message", f.message());
            one.put("fix", f.fix());
            out.add(one);
        }
        return out;
    }

    private static String write(Object value) {
        return write(JSON, value);
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and booleans always serialize", e);
        }
    }
}
