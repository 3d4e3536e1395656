package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.api.inspect.Severity;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link PluginDevTools#securityTest} found.
 *
 * @param folder the plugin folder
 * @param pluginId the plugin's id, or {@code null} when its manifest does not parse
 * @param findings every finding, most severe first
 * @param probes how many requests the dynamic part ran (0 when the plugin does not load)
 * @param declared the capabilities the manifest declares (empty when it does not parse)
 * @param hostCalls the host function calls the plugin made on the sandbox's fakes during the probes, in order
 * @param declaredExtensions the capabilities outside the standard eight the manifest declares, by name; the
 *        sandbox does not serve them (their calls answer "not served"), so they are named, not exercised
 * @since 1.2 (declared, hostCalls), 1.4 (declaredExtensions)
 */
public record SecurityReport(Path folder, String pluginId, List<Finding> findings, int probes,
        Set<Capability> declared, List<SandboxCall> hostCalls, Set<String> declaredExtensions) {

    /** A report of a plugin that declares standard capabilities only. */
    public SecurityReport(Path folder, String pluginId, List<Finding> findings, int probes,
            Set<Capability> declared, List<SandboxCall> hostCalls) {
        this(folder, pluginId, findings, probes, declared, hostCalls, Set.of());
    }

    public SecurityReport {
        findings = findings.stream()
                .sorted((a, b) -> b.severity().compareTo(a.severity()))
                .toList();
        declared = declared.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(declared));
        hostCalls = List.copyOf(hostCalls);
        declaredExtensions = declaredExtensions == null ? Set.of() : Set.copyOf(new TreeSet<>(declaredExtensions));
    }

    /** A report without a sandbox run: nothing declared, no host calls. */
    public SecurityReport(Path folder, String pluginId, List<Finding> findings, int probes) {
        this(folder, pluginId, findings, probes, Set.of(), List.of());
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** Whether any finding is {@link Severity#HIGH}: the plugin must not ship as it is. */
    public boolean failed() {
        return count(Severity.HIGH) > 0;
    }

    /** Host calls the fakes refused (outside the manifest's permissions) or that failed as malformed. */
    public long refusedCalls() {
        return hostCalls.stream().filter(c -> !c.outcome().equals("answered") && !c.outcome().equals("not found"))
                .count();
    }

    /** One line: {@code security-test echo: PASS (0 high, 1 medium, 0 low; 56 probes)}. */
    public String summary() {
        return String.format("security-test %s: %s (%d high, %d medium, %d low; %d probes)",
                pluginId == null ? folder : pluginId, failed() ? "FAIL" : "PASS", count(Severity.HIGH),
                count(Severity.MEDIUM), count(Severity.LOW), probes);
    }
}
