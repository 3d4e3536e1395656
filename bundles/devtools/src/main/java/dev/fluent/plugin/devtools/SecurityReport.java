package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Severity;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link PluginDevTools#securityTest} found.
 *
 * @param folder the plugin folder
 * @param pluginId the plugin's id, or {@code null} when its manifest does not parse
 * @param findings every finding, most severe first
 * @param probes how many requests the dynamic part ran (0 when the plugin does not load)
 */
public record SecurityReport(Path folder, String pluginId, List<Finding> findings, int probes) {

    public SecurityReport {
        findings = findings.stream()
                .sorted((a, b) -> b.severity().compareTo(a.severity()))
                .toList();
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** Whether any finding is {@link Severity#HIGH}: the plugin must not ship as it is. */
    public boolean failed() {
        return count(Severity.HIGH) > 0;
    }

    /** One line: {@code security-test echo: PASS (0 high, 1 medium, 0 low; 56 probes)}. */
    public String summary() {
        return String.format("security-test %s: %s (%d high, %d medium, %d low; %d probes)",
                pluginId == null ? folder : pluginId, failed() ? "FAIL" : "PASS", count(Severity.HIGH),
                count(Severity.MEDIUM), count(Severity.LOW), probes);
    }
}
