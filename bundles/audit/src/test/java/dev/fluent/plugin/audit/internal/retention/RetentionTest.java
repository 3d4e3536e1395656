package dev.fluent.plugin.audit.internal.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Anchor;
import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import dev.fluent.plugin.audit.internal.read.ChainVerifier;
import dev.fluent.plugin.audit.internal.read.QueryRunner;
import dev.fluent.plugin.audit.internal.write.AuditSettings;
import dev.fluent.plugin.audit.internal.write.AuditWriter;
import dev.fluent.plugin.audit.internal.write.Logs;
import dev.fluent.plugin.audit.internal.write.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on real files: what it removes, what it never removes, and that the chain left still verifies. */
public class RetentionTest {

    private static final long FILE = 4096;

    @TempDir
    public Path dir;

    private final LogDirectory log() {
        return new LogDirectory(dir);
    }

    private AuditVerification verify() throws IOException {
        return ChainVerifier.verify(log(), null);
    }

    /** Rotated files written without retention (entries stamped T0 + n seconds), numbered from 1. */
    private List<LogFile> rotatedLog(int entries) throws IOException {
        Logs.write(Logs.settings(dir).withMaxFileBytes(FILE), entries);
        List<LogFile> files = log().list();
        assertTrue(files.size() >= 5, "several files: " + files);
        return files;
    }

    /** Starts a writer with retention on (which runs at start) and closes it. */
    private void startWith(AuditSettings settings, Instant now) throws IOException {
        new AuditWriter(settings, new TestClock(now), null).close();
    }

    private static long totalSize(List<LogFile> files) {
        return files.stream().mapToLong(f -> Logs.size(f.path())).sum();
    }

    private List<AuditRecord> retentionEntries() throws IOException {
        return QueryRunner.query(log(), null, AuditQuery.builder().action(AuditActions.AUDIT_RETENTION).build());
    }

    @Test
    public void removesTheOldestFilesPastTheSizeLimitAsItRotatesAndTheChainStillVerifies() throws IOException {
        AuditSettings settings = Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, 4 * FILE);
        Logs.write(settings, 400);

        List<LogFile> files = log().list();
        int first = files.get(0).index();
        assertTrue(first > 1, "the oldest files are gone: " + files);
        assertTrue(totalSize(files) <= 5 * FILE, "within the limit, give or take the file being written: "
                + totalSize(files));
        Anchor anchor = log().readAnchor();
        assertEquals(files.get(0).name(), anchor.firstFile());
        assertTrue(Logs.lines(files.get(0).path()).get(0).startsWith("{\"seq\":" + (anchor.seq() + 1) + ","),
                "the first entry left follows the anchor");

        AuditVerification v = verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(first - 1, v.retention().filesRemoved());
        assertEquals(anchor.seq(), v.retention().lastRemovedSeq());
        assertEquals(anchor.until(), v.retention().removedUntil());
        assertEquals(files.size(), v.filesChecked());

        AuditRecord recording = retentionEntries().get(0);
        assertEquals(anchor.recordedBy(), recording.seq(), "the newest retention entry anchors the chain");
        assertTrue(recording.success());
        assertEquals(files.get(0).name(), recording.details().get("first_kept_file"));
        assertEquals(Long.toString(anchor.seq()), recording.details().get("anchor_seq"));
        assertEquals(anchor.hash(), recording.details().get("anchor_hash"));
        assertEquals(Integer.toString(first - 1), recording.details().get("files_removed_total"));
        assertTrue(recording.details().get("reason").contains("all files over"), recording.details().toString());
    }

    @Test
    public void removesRotatedFilesWhoseNewestEntryIsOlderThanTheRetentionAge() throws IOException {
        List<LogFile> files = rotatedLog(200);
        Instant lastOfSecond = QueryRunner.query(log(), null, AuditQuery.latest(1000)).stream()
                .filter(r -> r.file().equals(files.get(1).name())).findFirst().orElseThrow().timestamp();

        // A year after the second file's newest entry: the first two files are older than 365 days, the third not.
        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(365, 0),
                lastOfSecond.plus(Duration.ofDays(365)).plusMillis(500));

        List<LogFile> left = log().list();
        assertEquals(3, left.get(0).index(), "files 1 and 2 removed, 3 kept: " + left);
        AuditVerification v = verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(2, v.retention().filesRemoved());
        assertEquals(lastOfSecond, v.retention().removedUntil());
        AuditRecord recording = retentionEntries().get(0);
        assertEquals("older than 365 days", recording.details().get("reason"));
        assertEquals("2", recording.details().get("files_removed"));
        assertEquals(LogDirectory.fileName(1) + " … " + LogDirectory.fileName(2), recording.resource());
    }

    @Test
    public void neverRemovesTheFileBeingWritten() throws IOException {
        List<LogFile> files = rotatedLog(200);
        LogFile active = files.get(files.size() - 1);

        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(1, FILE), Logs.T0.plus(Duration.ofDays(3650)));

        List<LogFile> left = log().list();
        assertEquals(1, left.size(), "every rotated file went: " + left);
        assertEquals(active.name(), left.get(0).name());
        AuditVerification v = verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(files.size() - 1, v.retention().filesRemoved());
        assertEquals("older than 1 days, all files over 0 MiB", retentionEntries().get(0).details().get("reason"));
    }

    @Test
    public void aFileRemovedByHandAfterRetentionIsStillABreak() throws IOException {
        rotatedLog(200);
        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, 3 * FILE), Logs.T0);
        List<LogFile> left = log().list();
        assertTrue(verify().ok());

        Files.delete(left.get(0).path());

        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals("the log starts at " + left.get(1).name() + "; the files before it are missing ("
                + LogDirectory.ANCHOR + " names " + left.get(0).name() + " as the first file kept)", v.firstBreak().reason());
    }

    @Test
    public void anAnchorTheChainDoesNotConfirmIsABreak() throws IOException {
        rotatedLog(200);
        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, 3 * FILE), Logs.T0);
        Anchor anchor = log().readAnchor();

        // Naming an ordinary entry as the one that recorded the removal.
        log().writeAnchor(new Anchor(anchor.firstFile(), anchor.seq(), anchor.hash(), anchor.until(), anchor.seq() + 2));
        AuditVerification named = verify();
        assertFalse(named.ok());
        assertEquals(anchor.seq() + 2, named.firstBreak().seq());
        assertTrue(named.firstBreak().reason().contains("records no such removal"), named.firstBreak().reason());

        // A hash that is not the one the first entry left links to.
        log().writeAnchor(new Anchor(anchor.firstFile(), anchor.seq(), "ab".repeat(32), anchor.until(),
                anchor.recordedBy()));
        AuditVerification hash = verify();
        assertFalse(hash.ok());
        assertEquals(anchor.seq() + 1, hash.firstBreak().seq());
        assertTrue(hash.firstBreak().reason().contains("the hash " + LogDirectory.ANCHOR + " records"),
                hash.firstBreak().reason());

        // An entry the anchor names but the log does not reach.
        log().writeAnchor(new Anchor(anchor.firstFile(), anchor.seq(), anchor.hash(), anchor.until(), 1_000_000));
        AuditVerification unreached = verify();
        assertFalse(unreached.ok());
        assertEquals(LogDirectory.ANCHOR, unreached.firstBreak().file());
    }

    @Test
    public void finishesARemovalThatAStopInterruptedOnTheNextStart() throws IOException {
        List<LogFile> files = rotatedLog(200);
        byte[] third = Files.readAllBytes(files.get(2).path());
        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, totalSize(files.subList(3, files.size()))),
                Logs.T0);
        assertEquals(4, log().list().get(0).index(), "files 1–3 removed");

        // As if the stop came after file 2 was removed and before file 3 was.
        Files.write(files.get(2).path(), third);
        assertFalse(verify().ok(), "the anchor names file 4, the log starts at file 3");

        startWith(Logs.settings(dir).withMaxFileBytes(FILE), Logs.T0);
        assertEquals(4, log().list().get(0).index(), "the next start finishes the removal");
        AuditVerification v = verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(3, v.retention().filesRemoved());
    }

    @Test
    public void anAnchorWhoseFileIsGoneBelongsToAnotherLogAndRemovesNothing() throws IOException {
        List<LogFile> files = rotatedLog(200);
        log().writeAnchor(new Anchor(LogDirectory.fileName(999), 5, "ab".repeat(32), Logs.T0, 7));

        startWith(Logs.settings(dir).withMaxFileBytes(FILE), Logs.T0);

        assertEquals(files.size(), log().list().size());
        assertTrue(verify().ok(), "a log that starts at file 1 needs no anchor");
    }

    @Test
    public void anUnreadableAnchorDoesNotKeepTheLogFromStartingAndVerificationReportsIt() throws IOException {
        rotatedLog(200);
        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, 3 * FILE), Logs.T0);
        Files.writeString(dir.resolve(LogDirectory.ANCHOR), "{\"first_file\":");

        try (AuditWriter writer = new AuditWriter(Logs.settings(dir).withMaxFileBytes(FILE), new TestClock(Logs.T0),
                null)) {
            writer.record(Logs.execute("p0", 1, true));
        }

        AuditVerification v = verify();
        assertFalse(v.ok());
        assertTrue(v.firstBreak().reason().contains("the files before it are missing and " + LogDirectory.ANCHOR
                + " in " + dir + " is unreadable"), v.firstBreak().reason());
    }

    @Test
    public void stopsBeforeAFileThatDoesNotEndInAValidEntryAndSaysSo() throws IOException {
        List<LogFile> files = rotatedLog(200);
        List<String> second = Logs.lines(files.get(1).path());
        Logs.editLine(files.get(1).path(), second.size() - 1, line -> line.replace("req-", "REQ-"));

        startWith(Logs.settings(dir).withMaxFileBytes(FILE).withRetention(0, FILE), Logs.T0);

        assertEquals(2, log().list().get(0).index(), "file 1 removed, the damaged file 2 and those after it kept");
        List<AuditRecord> entries = retentionEntries();
        AuditRecord blocked = entries.stream().filter(r -> !r.success()).findFirst().orElseThrow();
        assertTrue(blocked.error().startsWith("RETENTION_BLOCKED: " + files.get(1).name()
                + " does not end in a valid audit entry"), blocked.error());
        assertNotNull(entries.stream().filter(AuditRecord::success).findFirst().orElse(null), "file 1's removal");
        AuditVerification v = verify();
        assertFalse(v.ok(), "the edit stays visible");
        assertEquals(files.get(1).name(), v.firstBreak().file());
    }
}
