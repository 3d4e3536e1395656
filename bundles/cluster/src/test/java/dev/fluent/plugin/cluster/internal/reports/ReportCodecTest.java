package dev.fluent.plugin.cluster.internal.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.LatencyHistogram;
import dev.fluent.plugin.api.PluginStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What one node writes, another reads back the same, through JSON text only. */
class ReportCodecTest {

    private static <T> Map<String, Object> wire(Map<String, Object> out) {
        return ReportCodec.read(ReportCodec.write(out));
    }

    @Test
    void figuresTravelWithTheirHistogram() {
        TreeMap<Long, Long> counts = new TreeMap<>(Map.of(120L, 7L, 9_000L, 1L));
        LatencyHistogram h = new LatencyHistogram(counts);
        PluginStats sent = new PluginStats("echo", 9, 8, Map.of(ErrorCode.RATE_LIMITED, 1L), 120, 9_000, 9_000, 9_000,
                65536, 2, 30, 40, Instant.parse("2026-12-06T12:00:00.123Z"), Instant.parse("2026-12-06T11:00:00Z"),
                Duration.ofMillis(3_600_123), h);
        assertEquals(sent, ReportCodec.stats(wire(ReportCodec.stats(sent))));
    }

    @Test
    void aFailureCodeThisNodeDoesNotKnowIsCountedNotDropped() {
        Map<String, Object> in = new java.util.HashMap<>(ReportCodec.stats(new PluginStats("echo", 1, 0, Map.of(), 0,
                0, 0, 0, 0, 0, 0, 0, null, Instant.EPOCH, Duration.ZERO)));
        in.put("failures", Map.of("SOME_NEWER_CODE", 1));
        assertEquals(1, ReportCodec.stats(wire(in)).failuresOf(ErrorCode.INTERNAL));
    }

    @Test
    void entriesQueriesAndVerificationsTravel() {
        AuditRecord r = new AuditRecord(42, Instant.parse("2026-12-06T12:00:00.5Z"), "echo", "execute", "x", false,
                "RATE_LIMITED: …", Map.of("code", "RATE_LIMITED"), "a".repeat(64), "b".repeat(64), "audit.jsonl");
        assertEquals(r, ReportCodec.record(wire(ReportCodec.record(r))));
        AuditQuery q = AuditQuery.builder().pluginId("echo").failedOnly(true).since(Instant.EPOCH).limit(7).build();
        assertEquals(q, ReportCodec.query(wire(ReportCodec.query(q))));
        AuditVerification broken = new AuditVerification(10, 1,
                new AuditVerification.Break("audit.jsonl", 11, 11, "hash does not match"));
        AuditVerification back = ReportCodec.verification(wire(ReportCodec.verification(broken)));
        assertFalse(back.ok());
        assertEquals(broken.firstBreak(), back.firstBreak());
        assertEquals(10, back.entriesChecked());
        assertTrue(ReportCodec.verification(wire(ReportCodec.verification(AuditVerification.intact(3, 1)))).ok());
        assertNull(AuditVerification.intact(3, 1).firstBreak());
    }

    @Test
    void aReplyOfTheWrongShapeIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportCodec.stats(Map.of("plugin_id", "echo", "executions", "many")));
        assertTrue(e.getMessage().contains("executions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReportCodec.read("[1, 2]"));
    }
}
