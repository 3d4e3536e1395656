package dev.fluent.plugin.audit.internal.log;

import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import java.io.IOException;
import java.nio.file.Files;

/**
 * How far the writer has written the log: readers stop there, so they never see a line being written.
 *
 * @param fileIndex the file being appended to
 * @param length how much of it is written
 * @param seq the last entry written
 */
public record Extent(int fileIndex, long length, long seq) {

    /**
     * How much of a file a reader may read: all of a file older than the one being written, of that one what is
     * written, nothing of a newer one; with no extent (no writer running), all of it.
     */
    public static long readable(Extent extent, LogFile file) throws IOException {
        if (extent == null || file.index() < extent.fileIndex()) {
            return Files.size(file.path());
        }
        return file.index() == extent.fileIndex() ? extent.length() : 0;
    }
}
