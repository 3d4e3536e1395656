package dev.fluent.plugin.audit.internal.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.audit.internal.AuditService;
import dev.fluent.plugin.audit.internal.log.LineReader;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.read.ChainVerifier;
import dev.fluent.plugin.audit.internal.read.QueryRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class RecoveryTest {

    @TempDir
    public Path dir;

    @Test
    public void movesATornLastLineAsideReportsItAndContinuesTheChain() throws IOException {
        AuditSettings settings = Logs.settings(dir);
        Logs.write(settings, 10);
        Path file = Logs.file(dir, 1);
        long whole = Logs.size(file);
        byte[] fragment = "{\"seq\":11,\"timestamp\":\"2026-01-01T00:00:11Z\",\"plugin_id\":\"p2\",\"act"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(file, fragment, StandardOpenOption.APPEND);
        assertFalse(ChainVerifier.verify(new LogDirectory(dir), null).ok(), "torn before recovery");

        try (AuditWriter writer = Logs.open(settings)) {
            writer.record(Logs.execute("p0", 11, true));
        }

        Path moved = dir.resolve(LogDirectory.fileName(1) + ".torn-" + whole);
        assertArrayEquals(fragment, Files.readAllBytes(moved), "the torn bytes are kept, apart");
        List<String> lines = Logs.lines(file);
        assertEquals(12, lines.size());
        for (String line : lines) {
            assertTrue(line.startsWith("{\"seq\":") && line.endsWith("\"}"), "whole lines only, nothing merged: " + line);
        }
        List<AuditRecord> newest = QueryRunner.query(new LogDirectory(dir), null, AuditQuery.latest(2));
        AuditRecord note = newest.get(1);
        assertEquals(11, note.seq());
        assertEquals(AuditActions.AUDIT_RECOVERY, note.action());
        assertFalse(note.success());
        assertTrue(note.error().startsWith("TORN_LINE: " + LogDirectory.fileName(1) + " ended in " + fragment.length
                + " bytes"), note.error());
        assertEquals(Long.toString(whole), note.details().get("offset"));
        assertEquals(12, newest.get(0).seq());
        AuditVerification v = ChainVerifier.verify(new LogDirectory(dir), null);
        assertEquals(12, v.entriesChecked(), "every link is intact");
        assertFalse(v.ok(), "the torn line is a gap until acknowledged");
        assertEquals(11, v.firstBreak().seq());
        assertTrue(v.firstBreak().reason().contains("TORN_LINE") && v.firstBreak().reason().contains(
                "plugin:audit --acknowledge 11"), v.firstBreak().reason());
        assertEquals(1, v.gaps().size());
        assertFalse(v.gaps().get(0).acknowledged());
    }

    @Test
    public void reportsEntriesCutOffTheEndOnRestart() throws IOException {
        AuditSettings settings = Logs.settings(dir);
        Logs.write(settings, 10);
        long whole = Logs.size(Logs.file(dir, 1));
        Logs.editLines(Logs.file(dir, 1), lines -> lines.subList(7, lines.size()).clear());
        long cut = whole - Logs.size(Logs.file(dir, 1));

        Logs.write(settings, 0);

        AuditRecord note = QueryRunner.query(new LogDirectory(dir), null, AuditQuery.latest(1)).get(0);
        assertEquals(8, note.seq());
        assertEquals(AuditActions.AUDIT_RECOVERY, note.action());
        assertTrue(note.error().startsWith("LOG_TRUNCATED: audit.head records seq 10"), note.error());
        assertTrue(note.error().contains("3 entries (seq 8–10), " + cut + " bytes at the end of audit-00000001.jsonl"),
                note.error());
        assertEquals("3", note.details().get("entries_lost"));
        assertEquals(Long.toString(cut), note.details().get("bytes_lost"));
    }

    @Test
    public void continuesFromTheLastValidEntryWhenTheLastLineWasTamperedWith() throws IOException {
        AuditSettings settings = Logs.settings(dir);
        Logs.write(settings, 10);
        Logs.editLine(Logs.file(dir, 1), 9, line -> line.replace("req-10", "req-99"));

        Logs.write(settings, 1);

        List<AuditRecord> newest = QueryRunner.query(new LogDirectory(dir), null, AuditQuery.latest(2));
        assertEquals(AuditActions.AUDIT_RECOVERY, newest.get(1).action());
        assertTrue(newest.get(1).error().startsWith("CHAIN_TAIL_INVALID"), newest.get(1).error());
        AuditVerification v = ChainVerifier.verify(new LogDirectory(dir), null);
        assertFalse(v.ok(), "the edit stays visible");
        assertEquals(10, v.firstBreak().seq());
    }

    @Test
    public void aWriterKilledMidStreamLeavesALogTheNextOneContinues() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(CrashingWriter.READY)) {
                // the child's log lines
            }
            assertEquals(CrashingWriter.READY, line, "the child started writing");
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final fsync
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        long before = lastSeq();
        assertTrue(before >= CrashingWriter.AT_LEAST, "entries written before the kill: " + before);

        AuditService service = new AuditService(Logs.settings(dir), Clock.systemUTC());
        try {
            for (int i = 0; i < 5; i++) {
                service.record(Logs.execute("after", i, true));
            }
            // A kill in the middle of a write leaves a torn line: a gap, which an operator acknowledges.
            for (AuditVerification.Gap gap : service.verify().gaps()) {
                assertTrue(gap.reason().startsWith("TORN_LINE"), gap.reason());
                service.acknowledge(Long.toString(gap.seq()), "tester", "killed on purpose");
            }
        } finally {
            service.deactivate();
        }
        AuditVerification v = ChainVerifier.verify(new LogDirectory(dir), null);
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        List<AuditRecord> after = QueryRunner.query(new LogDirectory(dir), null,
                AuditQuery.builder().pluginId("after").build());
        assertEquals(5, after.size());
        assertTrue(after.get(after.size() - 1).seq() > CrashingWriter.AT_LEAST);
    }

    private long lastSeq() throws IOException {
        long[] last = {0};
        for (LogDirectory.LogFile f : new LogDirectory(dir).list()) {
            LineReader.read(f.path(), Long.MAX_VALUE, (buf, off, len, number, offset, terminated) -> {
                if (terminated) {
                    last[0]++;
                }
                return true;
            });
        }
        return last[0];
    }
}
