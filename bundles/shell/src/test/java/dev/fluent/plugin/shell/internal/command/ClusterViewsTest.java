package dev.fluent.plugin.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.LatencyHistogram;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.devtools.CommandFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClusterViewsTest {

    private static PluginStats stats(String id, long micros, long n) {
        LatencyHistogram h = new LatencyHistogram(new TreeMap<>(Map.of(micros, n)));
        return new PluginStats(id, n, n, Map.of(), micros, micros, micros, micros, 0, 0, 0, 0, null, Instant.EPOCH,
                Duration.ZERO, h);
    }

    private static AuditRecord entry(long seq, String at) {
        return new AuditRecord(seq, Instant.parse(at), "echo", "execute", null, true, null, Map.of(), "", "", "a.jsonl");
    }

    @Test
    void mergesEveryNodesFiguresAndSaysWhichNodeGaveNone() {
        List<ClusterReports.NodeStats> nodes = List.of(
                new ClusterReports.NodeStats("127.0.0.1:5701", null, List.of(stats("echo", 100, 90))),
                new ClusterReports.NodeStats("127.0.0.1:5702", null, List.of(stats("echo", 5000, 10), stats("x", 7, 1))),
                new ClusterReports.NodeStats("127.0.0.1:5703", "did not answer within 5 s", List.of()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClusterViews.printStats(nodes, "echo", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.matches("(?s).*echo\\s+\\|\\s+2\\s+\\|\\s+100\\s+\\|.*\\|\\s+100\\s+\\|\\s+100\\s+\\|\\s+5000\\s+\\|\\s+5000.*"),
                out);
        assertTrue(out.contains("127.0.0.1:5703         NO FIGURES: did not answer within 5 s"), out);
        assertTrue(out.contains("127.0.0.1:5702         10 executions, 1 plugin\n"), out);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> merged = (List<Map<String, Object>>) ClusterViews.statsJson(nodes, null).get("stats");
        assertEquals(List.of("echo", "x"), merged.stream().map(m -> m.get("plugin_id")).toList());
        assertEquals(100L, merged.get(0).get("executions"));
    }

    @Test
    void mergesEntriesByTimeEachNamingItsNodeAndFailsOnABrokenChain() {
        List<ClusterReports.NodeAudit> nodes = List.of(
                new ClusterReports.NodeAudit("n1", null, List.of(entry(2, "2026-01-01T00:00:03Z"),
                        entry(1, "2026-01-01T00:00:01Z")), AuditVerification.intact(2, 1)),
                new ClusterReports.NodeAudit("n2", null, List.of(entry(9, "2026-01-01T00:00:02Z")),
                        new AuditVerification(8, 1, new AuditVerification.Break("a.jsonl", 9, 9, "edited"))));
        List<ClusterViews.NodeEntry> entries = ClusterViews.entries(nodes, 2);
        assertEquals(List.of("n1:2", "n2:9"), entries.stream().map(e -> e.node() + ":" + e.record().seq()).toList());
        List<String> chains = ClusterViews.chains(nodes);
        assertTrue(chains.get(0).contains("n1") && chains.get(0).contains("chain OK: 2 entries"), chains.get(0));
        assertTrue(chains.get(1).contains("chain BROKEN after 8 intact entries"), chains.get(1));
        CommandFailure e = assertThrows(CommandFailure.class, () -> ClusterViews.requireWhole(nodes));
        assertTrue(e.getMessage().startsWith("AUDIT_CHAIN_BROKEN: the chain of n2"), e.getMessage());
        CommandFailure silent = assertThrows(CommandFailure.class, () -> ClusterViews.requireWhole(List.of(
                new ClusterReports.NodeAudit("n3", "did not answer within 20 s", List.of(), null))));
        assertTrue(silent.getMessage().startsWith("CLUSTER_UNAVAILABLE: no entries from n3"), silent.getMessage());
    }
}
