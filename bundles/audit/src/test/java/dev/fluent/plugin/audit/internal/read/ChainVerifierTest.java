package dev.fluent.plugin.audit.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.write.Logs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ChainVerifierTest {

    @TempDir
    public Path dir;

    private AuditVerification verify() throws IOException {
        return ChainVerifier.verify(new LogDirectory(dir), null);
    }

    @Test
    public void passesAnIntactChain() throws IOException {
        Logs.write(Logs.settings(dir), 50);
        AuditVerification v = verify();
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(50, v.entriesChecked());
        assertEquals(1, v.filesChecked());
    }

    @Test
    public void passesAnEmptyLog() throws IOException {
        Logs.write(Logs.settings(dir), 0);
        AuditVerification v = verify();
        assertTrue(v.ok());
        assertEquals(0, v.entriesChecked());
    }

    @Test
    public void catchesAnEditedLine() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        Logs.editLine(Logs.file(dir, 1), 8, line -> line.replace("\"success\":true", "\"success\":false"));
        AuditVerification v = verify();
        assertBreak(v, 9, 9, "the line was edited");
        assertEquals(8, v.entriesChecked());
    }

    @Test
    public void catchesAnEditedLineWhoseHashWasRecomputed() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        // Rewrite entry 5 with another resource and a correct hash of its own.
        Logs.editLines(Logs.file(dir, 1), lines -> {
            String prev = lines.get(3).substring(lines.get(3).length() - 66, lines.get(3).length() - 2);
            EntryCodec.Encoded forged = new EntryCodec().encode(5, Logs.execute("p2", 5, true), prev);
            lines.set(4, new String(forged.line(), StandardCharsets.UTF_8).strip());
        });
        AuditVerification v = verify();
        assertBreak(v, 6, 6, "prev_hash does not match the hash of entry 5");
    }

    @Test
    public void catchesADeletedLine() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        Logs.editLines(Logs.file(dir, 1), lines -> lines.remove(11));
        AuditVerification v = verify();
        assertBreak(v, 12, 13, "expected seq 12, found 13: entry 12 is missing");
    }

    @Test
    public void catchesReorderedLines() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        Logs.editLines(Logs.file(dir, 1), lines -> Collections.swap(lines, 4, 5));
        AuditVerification v = verify();
        assertBreak(v, 5, 6, "expected seq 5, found 6");
    }

    @Test
    public void catchesAFileTruncatedInsideALine() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        Path file = Logs.file(dir, 1);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 30);
        }
        AuditVerification v = verify();
        assertBreak(v, 20, 20, "torn line");
    }

    @Test
    public void catchesAFileTruncatedAtALineBoundary() throws IOException {
        Logs.write(Logs.settings(dir), 20);
        Logs.editLines(Logs.file(dir, 1), lines -> lines.subList(15, lines.size()).clear());
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(20, v.firstBreak().seq());
        assertTrue(v.firstBreak().reason().contains("the log ends at seq 15 but audit.head records seq 20"),
                v.firstBreak().reason());
        assertEquals(15, v.entriesChecked());
    }

    @Test
    public void catchesARemovedRotatedFile() throws IOException {
        Logs.write(Logs.settings(dir).withMaxFileBytes(4096), 60);
        assertTrue(Files.exists(Logs.file(dir, 3)), "rotated into several files");
        Files.delete(Logs.file(dir, 2));
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(LogDirectory.fileName(2), v.firstBreak().file());
        assertTrue(v.firstBreak().reason().contains("missing"), v.firstBreak().reason());
    }

    @Test
    public void catchesRemovedOldestFiles() throws IOException {
        Logs.write(Logs.settings(dir).withMaxFileBytes(4096), 60);
        Files.delete(Logs.file(dir, 1));
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertTrue(v.firstBreak().reason().contains("the files before it are missing"), v.firstBreak().reason());
    }

    @Test
    public void catchesARemovedHead() throws IOException {
        Logs.write(Logs.settings(dir), 5);
        Files.delete(dir.resolve(LogDirectory.HEAD));
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertTrue(v.firstBreak().reason().contains("audit.head is missing"), v.firstBreak().reason());
    }

    private static void assertBreak(AuditVerification v, long line, long seq, String reason) {
        assertFalse(v.ok(), "the chain is reported broken");
        AuditVerification.Break b = v.firstBreak();
        assertEquals(LogDirectory.fileName(1), b.file(), b::toString);
        assertEquals(line, b.line(), b::toString);
        assertEquals(seq, b.seq(), b::toString);
        assertTrue(b.reason().contains(reason), b::toString);
        assertNull(AuditVerification.intact(0, 0).firstBreak());
    }
}
