package dev.fluent.plugin.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.AuditVerification.Gap;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.write.Logs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log cut short while the platform was stopped: the restart records the gap, verification fails on it, and
 * passes once an operator has acknowledged it (which the log records too).
 */
public class AcknowledgeTest {

    @TempDir
    public Path dir;

    private AuditService service;

    /** Ten entries, the last three cut off while stopped, then a restart and two more entries. */
    @BeforeEach
    public void cutShortWhileStopped() throws Exception {
        Logs.write(Logs.settings(dir), 10);
        Logs.editLines(Logs.file(dir, 1), lines -> lines.subList(7, lines.size()).clear());
        service = open();
        service.record(Logs.execute("p0", 11, true));
        service.record(Logs.execute("p1", 12, true));
    }

    @AfterEach
    public void close() {
        service.deactivate();
    }

    private AuditService open() throws Exception {
        return new AuditService(Logs.settings(dir), Clock.systemUTC());
    }

    @Test
    public void aLogCutShortWhileStoppedFailsVerificationUntilAnOperatorAcknowledgesIt() throws Exception {
        AuditVerification v = service.verify();
        assertFalse(v.ok());
        assertEquals(10, v.entriesChecked(), "every link holds: 7 old entries, the recovery entry, 2 new ones");
        assertEquals(8, v.firstBreak().seq());
        assertEquals(8, v.firstBreak().line());
        String reason = v.firstBreak().reason();
        assertTrue(reason.contains("LOG_TRUNCATED: audit.head records seq 10") && reason.contains("3 entries (seq 8–10)")
                && reason.contains("bytes at the end of audit-00000001.jsonl"), reason);
        assertTrue(reason.endsWith("plugin:audit --acknowledge 8"), reason);
        Gap gap = v.gaps().get(0);
        assertFalse(gap.acknowledged());

        AuditRecord ack = service.acknowledge("8", "alice", "the disk was restored from last night's backup");
        assertEquals(AuditActions.AUDIT_ACKNOWLEDGE, ack.action());
        assertTrue(ack.success());
        assertEquals("", ack.pluginId());
        assertEquals("seq 8", ack.resource());
        assertEquals("alice", ack.details().get("operator"));
        assertEquals("8", ack.details().get("recovery_seq"));
        assertEquals(gap.hash(), ack.details().get("recovery_hash"));
        assertEquals("the disk was restored from last night's backup", ack.details().get("reason"));
        assertTrue(ack.details().get("recovery_error").startsWith("LOG_TRUNCATED"));

        AuditVerification after = service.verify();
        assertTrue(after.ok(), () -> String.valueOf(after.firstBreak()));
        assertEquals(1, after.gaps().size());
        assertTrue(after.gaps().get(0).acknowledged());
        assertEquals("alice", after.gaps().get(0).acknowledgedBy());
        assertEquals(ack.timestamp(), after.gaps().get(0).acknowledgedAt());

        service.deactivate();
        service = open();
        assertTrue(service.verify().ok(), "the acknowledgement is in the chain, so it holds across restarts");
    }

    @Test
    public void acknowledgesByTheRecoveryEntrysHashToo() throws Exception {
        Gap gap = service.verify().gaps().get(0);
        service.acknowledge(gap.hash().toUpperCase(), "bob", null);
        AuditVerification v = service.verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals("bob", v.gaps().get(0).acknowledgedBy());
    }

    @Test
    public void refusesWhatNamesNoGapAndWritesEveryRefusal() {
        PluginException notAGap = assertThrows(PluginException.class, () -> service.acknowledge("3", "mallory", null));
        assertEquals(ErrorCode.BAD_REQUEST, notAGap.code());
        assertTrue(notAGap.getMessage().startsWith("no audit_recovery entry with seq 3"), notAGap.getMessage());
        PluginException garbage = assertThrows(PluginException.class, () -> service.acknowledge("all", "mallory", null));
        assertTrue(garbage.getMessage().contains("neither a sequence number nor a 64-digit hash"), garbage.getMessage());

        List<AuditRecord> refusals = service.query(AuditQuery.builder().action(AuditActions.AUDIT_ACKNOWLEDGE)
                .failedOnly(true).build());
        assertEquals(2, refusals.size());
        assertEquals("mallory", refusals.get(0).details().get("operator"));
        assertTrue(refusals.get(1).error().startsWith("BAD_REQUEST: no audit_recovery entry with seq 3"));
        assertFalse(service.verify().ok(), "nothing was acknowledged");
    }

    @Test
    public void refusesASecondAcknowledgementOfTheSameGap() throws Exception {
        service.acknowledge("8", "alice", null);
        PluginException again = assertThrows(PluginException.class, () -> service.acknowledge("8", "bob", null));
        assertEquals(ErrorCode.BAD_REQUEST, again.code());
        assertTrue(again.getMessage().contains("acknowledged already, by alice"), again.getMessage());
        assertEquals("alice", service.verify().gaps().get(0).acknowledgedBy());
    }

    @Test
    public void anAcknowledgementNamingAnotherHashAcknowledgesNothingNorStandsInTheWayOfARightOne() throws Exception {
        service.record(new AuditEvent(Instant.now(), "", AuditActions.AUDIT_ACKNOWLEDGE, "seq 8", true, null,
                Map.of("recovery_seq", "8", "recovery_hash", "ab".repeat(32), "operator", "forger")));
        AuditVerification v = service.verify();
        assertFalse(v.ok());
        assertNull(v.gaps().get(0).acknowledgedBy());

        service.acknowledge("8", "alice", null);
        AuditVerification after = service.verify();
        assertTrue(after.ok(), () -> String.valueOf(after.firstBreak()));
        assertEquals("alice", after.gaps().get(0).acknowledgedBy());
    }

    @Test
    public void aBrokenLinkBeforeAnAcknowledgedGapIsStillReported() throws Exception {
        service.acknowledge("8", "alice", null);
        service.deactivate();
        Logs.editLine(Logs.file(dir, 1), 2, line -> line.replace("req-3", "req-9"));
        service = open();
        AuditVerification v = service.verify();
        assertFalse(v.ok());
        assertEquals(3, v.firstBreak().seq());
        assertTrue(v.firstBreak().reason().contains("the line was edited"), v.firstBreak().reason());
    }
}
