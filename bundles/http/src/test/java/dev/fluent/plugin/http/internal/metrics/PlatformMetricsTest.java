package dev.fluent.plugin.http.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformMetricsTest {

    private static PluginStats stats(String id, long executions, Map<ErrorCode, Long> failures) {
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        return new PluginStats(id, executions, executions - failed, failures, 1500, 2500, 9000, 12000, 131072, 2, 30,
                40, null, Instant.parse("2026-02-01T10:00:00Z"), Duration.ofMinutes(1));
    }

    @Test
    void writesCountersGaugesAndTheLatencySummaryPerPlugin() {
        String text = PlatformMetrics.render(List.of(
                stats("echo", 5, Map.of(ErrorCode.RATE_LIMITED, 2L, ErrorCode.TIMEOUT, 1L)),
                stats("sha256", 0, Map.of())), null);
        List<String> lines = text.lines().toList();

        assertTrue(lines.contains("# TYPE fluent_plugin_executions_total counter"), text);
        assertTrue(lines.contains("fluent_plugin_executions_total{plugin=\"echo\"} 5.0"), text);
        assertTrue(lines.contains("fluent_plugin_executions_total{plugin=\"sha256\"} 0.0"), text);
        assertTrue(lines.contains("fluent_plugin_execution_successes_total{plugin=\"echo\"} 2.0"), text);
        assertTrue(lines.contains("fluent_plugin_execution_failures_total{code=\"RATE_LIMITED\",plugin=\"echo\"} 2.0"), text);
        assertTrue(lines.contains("fluent_plugin_execution_failures_total{code=\"TIMEOUT\",plugin=\"echo\"} 1.0"), text);
        assertTrue(lines.contains("fluent_plugin_rate_limited_total{plugin=\"echo\"} 2.0"), text);
        assertTrue(lines.contains("fluent_plugin_busy_total{plugin=\"echo\"} 0.0"), text);
        assertTrue(lines.contains("# TYPE fluent_plugin_execution_latency_seconds summary"), text);
        assertTrue(lines.contains("fluent_plugin_execution_latency_seconds{plugin=\"echo\",quantile=\"0.99\"} 0.009"), text);
        assertTrue(lines.contains("fluent_plugin_execution_latency_seconds_count{plugin=\"echo\"} 5"), text);
        assertTrue(lines.contains("fluent_plugin_execution_latency_max_seconds{plugin=\"echo\"} 0.012"), text);
        assertTrue(lines.contains("fluent_plugin_memory_high_water_bytes{plugin=\"echo\"} 131072.0"), text);
        assertTrue(lines.contains("fluent_plugin_loaded_plugins 2.0"), text);
        assertTrue(lines.contains("# TYPE fluent_plugin_loaded_plugins gauge"), text);
        assertFalse(text.contains("fluent_plugin_audit_"), "no audit figures without an audit log");
        for (String line : lines) {
            assertTrue(line.startsWith("fluent_plugin_") || line.startsWith("# HELP fluent_plugin_")
                    || line.startsWith("# TYPE fluent_plugin_"), line);
        }
    }

    @Test
    void writesTheAuditWritersQueue() {
        AuditStatus audit = new AuditStatus("/data/audit", "audit-1.jsonl", 41, 3, 65536, 40, 1, 0, "block", null);

        String text = PlatformMetrics.render(List.of(), audit);

        assertTrue(text.contains("\nfluent_plugin_audit_queue_depth 3.0\n"), text);
        assertTrue(text.contains("\nfluent_plugin_audit_queue_capacity 65536.0\n"), text);
        assertTrue(text.contains("\nfluent_plugin_audit_entries_written_total 40.0\n"), text);
        assertTrue(text.contains("\nfluent_plugin_audit_waited_total 1.0\n"), text);
        assertTrue(text.contains("\nfluent_plugin_audit_dropped_total 0.0\n"), text);
        assertTrue(text.contains("fluent_plugin_loaded_plugins 0.0"), text);
    }

    @Test
    void escapesLabelValuesAsTheTextFormatRequires() {
        String text = PlatformMetrics.render(List.of(stats("we\"ird\\id\nx", 1, Map.of())), null);

        assertTrue(text.contains("fluent_plugin_executions_total{plugin=\"we\\\"ird\\\\id\\nx\"} 1.0"), text);
    }
}
