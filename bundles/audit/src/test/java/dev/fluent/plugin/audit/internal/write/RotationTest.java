package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.read.ChainVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class RotationTest {

    @TempDir
    public Path dir;

    @Test
    public void rotatesBySizeIntoConsecutiveFilesThatChainAcross() throws IOException {
        AuditSettings settings = Logs.settings(dir).withMaxFileBytes(8192);
        Logs.write(settings, 400);
        List<LogFile> files = new LogDirectory(dir).list();
        assertTrue(files.size() > 5, "rotated: " + files);
        long expectedSeq = 1;
        for (int i = 0; i < files.size(); i++) {
            LogFile f = files.get(i);
            assertEquals(i + 1, f.index());
            assertEquals(LogDirectory.fileName(i + 1), f.name());
            assertTrue(Logs.size(f.path()) <= 8192, f.name() + " stays within the bound");
            List<String> lines = Logs.lines(f.path());
            assertTrue(lines.get(0).startsWith("{\"seq\":" + expectedSeq + ","), f.name() + " continues the sequence");
            expectedSeq += lines.size();
        }
        assertEquals(401, expectedSeq);
        AuditVerification v = ChainVerifier.verify(new LogDirectory(dir), null);
        assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
        assertEquals(400, v.entriesChecked());
        assertEquals(files.size(), v.filesChecked());
    }

    @Test
    public void aRestartAppendsToTheNewestFileUntilItIsFull() throws IOException {
        AuditSettings settings = Logs.settings(dir).withMaxFileBytes(64 * 1024);
        Logs.write(settings, 10);
        Logs.write(settings, 10);
        List<LogFile> files = new LogDirectory(dir).list();
        assertEquals(1, files.size());
        assertEquals(20, Logs.lines(files.get(0).path()).size());
        assertTrue(ChainVerifier.verify(new LogDirectory(dir), null).ok());
    }

    @Test
    public void headNamesTheFileOfTheLastEntry() throws IOException {
        Logs.write(Logs.settings(dir).withMaxFileBytes(4096), 100);
        List<LogFile> files = new LogDirectory(dir).list();
        LogDirectory.Head head = new LogDirectory(dir).readHead();
        assertEquals(100, head.seq());
        assertEquals(files.get(files.size() - 1).name(), head.file());
    }
}
