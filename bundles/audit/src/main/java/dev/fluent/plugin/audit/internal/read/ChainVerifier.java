package dev.fluent.plugin.audit.internal.read;

import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Head;
import dev.fluent.plugin.api.AuditVerification.Break;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.Extent;
import dev.fluent.plugin.audit.internal.log.LineReader;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import java.io.IOException;
import java.util.List;

/**
 * Walks the whole chain, oldest file first, and stops at the first break:
 * <ul>
 *   <li>files numbered without gaps;</li>
 *   <li>every line whole (ends in a newline) and shaped like an entry;</li>
 *   <li>every line's hash is the SHA-256 of its content (an edited line fails here);</li>
 *   <li>sequence numbers 1, 2, 3 … (a deleted line leaves a gap, a moved line is out of order);</li>
 *   <li>every {@code prev_hash} is the previous entry's hash (an edited line whose hash was recomputed fails
 *       here, on the entry after it);</li>
 *   <li>the log reaches the entry {@code audit.head} records, with the same hash (entries cut off the end of
 *       the log fail here).</li>
 * </ul>
 */
public final class ChainVerifier {

    private ChainVerifier() {
    }

    /**
     * @param extent how far the writer has written, or {@code null} when no writer is running; lines past it are
     *               not read (they may be half written)
     */
    public static AuditVerification verify(LogDirectory dir, Extent extent) throws IOException {
        Head head = dir.readHead();
        List<LogFile> files = dir.list();
        Walk walk = new Walk();
        int filesRead = 0;
        for (LogFile file : files) {
            if (filesRead > 0 && file.index() != walk.fileIndex + 1) {
                return broken(walk, filesRead, LogDirectory.fileName(walk.fileIndex + 1), 0, walk.seq + 1,
                        "the log file is missing (files jump from " + LogDirectory.fileName(walk.fileIndex) + " to "
                                + file.name() + ")");
            }
            if (filesRead == 0 && file.index() != 1) {
                return broken(walk, filesRead, LogDirectory.fileName(1), 0, 1,
                        "the log starts at " + file.name() + "; the files before it are missing");
            }
            walk.fileIndex = file.index();
            filesRead++;
            long limit = Extent.readable(extent, file);
            LineReader.read(file.path(), limit, (buf, off, len, number, offset, terminated) ->
                    walk.line(file.name(), buf, off, len, number, terminated, head));
            if (walk.firstBreak != null) {
                return new AuditVerification(walk.checked, filesRead, walk.firstBreak);
            }
        }
        if (head != null && walk.seq < head.seq()) {
            String file = walk.lastFile != null ? walk.lastFile : head.file();
            return broken(walk, filesRead, file, 0, head.seq(), "the log ends at seq " + walk.seq + " but " + LogDirectory.HEAD
                    + " records seq " + head.seq() + " in " + head.file() + ": entries were cut off the end");
        }
        if (head == null && walk.seq > 0) {
            return broken(walk, filesRead, LogDirectory.HEAD, 0, walk.seq, LogDirectory.HEAD + " is missing although the log holds "
                    + walk.seq + " entries");
        }
        return AuditVerification.intact(walk.checked, filesRead);
    }

    private static AuditVerification broken(Walk walk, int filesRead, String file, long line, long seq, String reason) {
        return new AuditVerification(walk.checked, filesRead, new Break(file, line, seq, reason));
    }

    /** The state of the walk along the chain. */
    private static final class Walk {
        final EntryCodec codec = new EntryCodec();
        long seq;
        String hash = EntryCodec.GENESIS;
        long checked;
        int fileIndex;
        String lastFile;
        Break firstBreak;

        boolean line(String file, byte[] buf, int off, int len, long number, boolean terminated, Head head) {
            lastFile = file;
            long expected = seq + 1;
            if (!terminated) {
                return fail(file, number, expected, "torn line: " + len
                        + " bytes without a newline at the end of the file (a write cut short, or a truncated file)");
            }
            EntryCodec.Link link = codec.link(buf, off, len);
            if (link == null) {
                return fail(file, number, expected, len == 0 ? "empty line" : "not an audit entry");
            }
            if (!link.hashMatches()) {
                return fail(file, number, link.seq(), "the hash does not match the entry's content (the line was edited)");
            }
            if (link.seq() != expected) {
                String why = link.seq() == expected + 1 ? "entry " + expected + " is missing (a deleted line)"
                        : link.seq() > expected ? "entries " + expected + "–" + (link.seq() - 1) + " are missing (deleted lines)"
                        : "out of order (lines moved or repeated)";
                return fail(file, number, link.seq(), "expected seq " + expected + ", found " + link.seq() + ": " + why);
            }
            if (!link.prevHash().equals(hash)) {
                return fail(file, number, link.seq(), "prev_hash does not match the hash of entry " + seq
                        + " (an earlier entry was replaced)");
            }
            if (head != null && link.seq() == head.seq() && !link.hash().equals(head.hash())) {
                return fail(file, number, link.seq(), "the hash differs from the one " + LogDirectory.HEAD
                        + " records for this entry (the log was rewritten from here)");
            }
            seq = link.seq();
            hash = link.hash();
            checked++;
            return true;
        }

        private boolean fail(String file, long line, long at, String reason) {
            firstBreak = new Break(file, line, at, reason);
            return false;
        }
    }
}
