package dev.fluent.plugin.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.write.Logs;
import dev.fluent.plugin.audit.internal.write.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The volume cap on the real writer and files: what a flooding plugin leaves in the log, and that it adds up. */
public class VolumeCapTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    public Path dir;

    private final TestClock clock = new TestClock(T0);

    private AuditService open(int cap) throws Exception {
        return new AuditService(Logs.settings(dir).withVolumeCap(cap), clock);
    }

    private static void flood(AuditService audit, String plugin, int executions, int rateLimited, int denied) {
        audit.record(new AuditEvent(T0, plugin, AuditActions.LOAD, "/plugins/" + plugin, true, null, Map.of()));
        for (int i = 0; i < executions; i++) {
            audit.record(new AuditEvent(T0, plugin, AuditActions.EXECUTE, "ok-" + i, true, null,
                    Map.of("duration_us", "10")));
        }
        for (int i = 0; i < rateLimited; i++) {
            audit.record(new AuditEvent(T0, plugin, AuditActions.EXECUTE, "late-" + i, false,
                    "RATE_LIMITED: plugin " + plugin + " ran more often than 600 per minute", Map.of("code", "RATE_LIMITED")));
        }
        for (int i = 0; i < denied; i++) {
            audit.record(new AuditEvent(T0, plugin, AuditActions.FS_READ, "/etc/passwd", false,
                    "ACCESS_DENIED: outside allowed_file_paths", Map.of("code", "ACCESS_DENIED", "request_id", "d-" + i)));
        }
    }

    private static List<AuditRecord> entriesOf(AuditService audit, String plugin) {
        return audit.query(AuditQuery.builder().pluginId(plugin).limit(100_000).build());
    }

    private static long count(List<AuditRecord> records, String action, boolean success) {
        return records.stream().filter(r -> r.action().equals(action) && r.success() == success).count();
    }

    @Test
    public void aFloodingPluginLeavesAtMostTheCapPlusOneSummaryAndEveryDenialIsAccountedFor() throws Exception {
        AuditService audit = open(50);
        try {
            flood(audit, "flood", 1000, 200, 30);
            flood(audit, "quiet", 10, 0, 0);

            List<AuditRecord> during = entriesOf(audit, "flood");
            assertEquals(50, count(during, AuditActions.EXECUTE, true), "the cap");
            assertEquals(1, count(during, AuditActions.EXECUTE, false), "the first RATE_LIMITED is written");
            assertEquals(1, count(during, AuditActions.FS_READ, false), "the first denial of /etc/passwd is written");
            assertEquals(1, count(during, AuditActions.LOAD, true), "a load is never held back");
            assertEquals(0, count(during, AuditActions.AUDIT_SUPPRESSED, true) + count(during, AuditActions.AUDIT_SUPPRESSED, false),
                    "no summary before the window ends");
            assertEquals(11, entriesOf(audit, "quiet").size(), "another plugin is not affected");

            clock.advance(Duration.ofSeconds(61));
            List<AuditRecord> after = entriesOf(audit, "flood");
            List<AuditRecord> summaries = after.stream().filter(r -> r.action().equals(AuditActions.AUDIT_SUPPRESSED))
                    .collect(Collectors.toList());
            assertEquals(1, summaries.size(), "the writer wrote the ended window's summary: " + summaries);
            AuditRecord s = summaries.get(0);
            assertFalse(s.success(), "repeated failures are in it");
            assertEquals("950", s.details().get("suppressed.execute"));
            assertEquals("199", s.details().get("repeated.execute.RATE_LIMITED"));
            assertEquals("29", s.details().get("repeated.fs_read.ACCESS_DENIED"));
            long accounted = count(after, AuditActions.EXECUTE, true) + Long.parseLong(s.details().get("suppressed_total"))
                    + count(after, AuditActions.EXECUTE, false) + count(after, AuditActions.FS_READ, false)
                    + Long.parseLong(s.details().get("repeated_total"));
            assertEquals(1000 + 200 + 30, accounted, "every routine entry is written or counted, none lost");
            assertTrue(audit.query(AuditQuery.builder().failedOnly(true).pluginId("flood").limit(100).build()).contains(s),
                    "--failed shows the summary of repeated denials");
            AuditVerification v = audit.verify();
            assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
            assertEquals(1 + 50 + 1 + 1 + 1 + 11, v.entriesChecked());
        } finally {
            audit.deactivate();
        }
    }

    @Test
    public void closingTheLogWritesTheSummariesOfOpenWindows() throws Exception {
        AuditService audit = open(5);
        flood(audit, "p", 20, 3, 0);
        audit.deactivate();

        AuditService reopened = open(5);
        try {
            List<AuditRecord> s = reopened.query(AuditQuery.builder().action(AuditActions.AUDIT_SUPPRESSED).build());
            assertEquals(1, s.size());
            assertEquals("15", s.get(0).details().get("suppressed.execute"));
            assertEquals("2", s.get(0).details().get("repeated.execute.RATE_LIMITED"));
            assertTrue(reopened.verify().ok());
        } finally {
            reopened.deactivate();
        }
    }

    @Test
    public void anUnloadIsPrecededByThePluginsSummary() throws Exception {
        AuditService audit = open(2);
        try {
            flood(audit, "p", 7, 0, 0);
            audit.record(new AuditEvent(T0, "p", AuditActions.UNLOAD, "/plugins/p", true, null, Map.of()));
            List<AuditRecord> newest = audit.query(AuditQuery.builder().pluginId("p").limit(2).build());
            assertEquals(AuditActions.UNLOAD, newest.get(0).action());
            assertEquals(AuditActions.AUDIT_SUPPRESSED, newest.get(1).action());
            assertEquals("5", newest.get(1).details().get("suppressed.execute"));
            assertTrue(newest.get(1).success());
        } finally {
            audit.deactivate();
        }
    }
}
