package dev.fluent.plugin.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.AuditVerification.Break;
import dev.fluent.plugin.api.AuditVerification.Gap;
import dev.fluent.plugin.api.AuditVerification.Retention;
import dev.fluent.plugin.devtools.CommandFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditCommandTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void readsAnAgeBeforeNow() throws CommandFailure {
        assertEquals(Instant.parse("2026-03-01T11:59:30Z"), AuditCommand.parseTime("--since", "30s", NOW));
        assertEquals(Instant.parse("2026-03-01T11:45:00Z"), AuditCommand.parseTime("--since", "15m", NOW));
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), AuditCommand.parseTime("--since", "2h", NOW));
        assertEquals(Instant.parse("2026-02-22T12:00:00Z"), AuditCommand.parseTime("--since", "7d", NOW));
    }

    @Test
    void readsAnInstantOrAUtcDate() throws CommandFailure {
        assertEquals(Instant.parse("2026-01-31T08:30:00Z"), AuditCommand.parseTime("--since", "2026-01-31T08:30:00Z", NOW));
        assertEquals(Instant.parse("2026-01-31T00:00:00Z"), AuditCommand.parseTime("--until", "2026-01-31", NOW));
    }

    @Test
    void refusesAnythingElseNamingTheOptionAndTheForms() {
        CommandFailure e = assertThrows(CommandFailure.class, () -> AuditCommand.parseTime("--since", "yesterday", NOW));
        assertTrue(e.getMessage().startsWith("BAD_REQUEST: --since 'yesterday' is not a time"), e.getMessage());
        assertTrue(e.getMessage().contains("2h"), e.getMessage());
    }

    private static final Gap TRUNCATED = new Gap(8, "ab".repeat(32), "audit-00000003.jsonl", 8, NOW,
            "LOG_TRUNCATED: audit.head records seq 10 in audit-00000003.jsonl, but the log ends at seq 7", null, null);

    @Test
    void reportsAnIntactChainWithWhatRetentionRemovedAndTheAcknowledgedGaps() {
        Gap acknowledged = new Gap(8, TRUNCATED.hash(), TRUNCATED.file(), 8, NOW, TRUNCATED.reason(), "karaf",
                NOW.plusSeconds(60));
        AuditVerification v = new AuditVerification(120, 2, null, List.of(acknowledged),
                new Retention(2, 4000, Instant.parse("2025-03-01T00:00:00Z"), 4100));
        assertEquals(List.of(
                "Audit chain OK: 120 entries in 2 files",
                "  2 files removed by retention up to 2025-03-01T00:00:00Z (entries 1–4000; recorded by entry 4100)",
                "  acknowledged gap at seq 8 (audit-00000003.jsonl line 8) by karaf at 2026-03-01T12:01:00Z: "
                        + TRUNCATED.reason()), AuditCommand.report(v));
    }

    @Test
    void reportsAnUnacknowledgedGapAsTheBreakAndSaysHowToAcknowledgeIt() {
        AuditVerification v = new AuditVerification(12, 1, new Break(TRUNCATED.file(), 8, 8, "entries were lost"),
                List.of(TRUNCATED), null);
        List<String> lines = AuditCommand.report(v);
        assertEquals("Audit chain BROKEN at an unacknowledged gap (12 entries in 1 file link up): "
                + "audit-00000003.jsonl line 8 (seq 8): entries were lost", lines.get(0));
        assertEquals("  UNACKNOWLEDGED gap at seq 8 (audit-00000003.jsonl line 8): " + TRUNCATED.reason()
                + " (review, then plugin:audit --acknowledge 8)", lines.get(1));
    }

    @Test
    void reportsABrokenLinkAsBefore() {
        AuditVerification v = new AuditVerification(4, 1, new Break("audit-00000001.jsonl", 5, 5,
                "the hash does not match the entry's content (the line was edited)"));
        assertEquals(List.of("Audit chain BROKEN after 4 intact entries: audit-00000001.jsonl line 5 (seq 5): "
                + "the hash does not match the entry's content (the line was edited)"), AuditCommand.report(v));
    }

    @Test
    void escapesWhatAnOperatorOrAFileNameControls() {
        Gap g = new Gap(3, "cd".repeat(32), "audit-00000001.jsonl", 3, NOW, "TORN_LINE: x", "eve\u001b[2J\nrow", NOW);
        String line = AuditCommand.report(new AuditVerification(3, 1, null, List.of(g), null)).get(1);
        assertTrue(line.contains("by eve\\u001b[2J\\u000arow at"), line);
    }
}
