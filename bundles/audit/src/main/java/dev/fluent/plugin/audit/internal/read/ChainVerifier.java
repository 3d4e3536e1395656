package dev.fluent.plugin.audit.internal.read;

import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.AuditVerification.Break;
import dev.fluent.plugin.api.AuditVerification.Gap;
import dev.fluent.plugin.api.AuditVerification.Retention;
import dev.fluent.plugin.audit.internal.log.Extent;
import dev.fluent.plugin.audit.internal.log.LineReader;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Anchor;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Head;
import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import java.io.IOException;
import java.util.List;

/**
 * Walks the whole chain, oldest file first, up to its first broken link:
 * <ul>
 *   <li>files numbered without gaps, from 1, or from the file {@code audit.anchor} names when retention removed
 *       the ones before it: the chain then continues from the last entry removed, and the
 *       {@code audit_retention} entry the anchor names must be in the chain and record that start;</li>
 *   <li>every line whole (ends in a newline) and shaped like an entry;</li>
 *   <li>every line's hash is the SHA-256 of its content (an edited line fails here);</li>
 *   <li>sequence numbers 1, 2, 3 … (a deleted line leaves a gap, a moved line is out of order);</li>
 *   <li>every {@code prev_hash} is the previous entry's hash (an edited line whose hash was recomputed fails
 *       here, on the entry after it);</li>
 *   <li>the log reaches the entry {@code audit.head} records, with the same hash (entries cut off the end of
 *       the log fail here);</li>
 *   <li>every {@code audit_recovery} entry (entries lost and recovered from on start, e.g. a log cut short
 *       while the platform was stopped) is acknowledged by a later {@code audit_acknowledge} entry; the first
 *       one that is not is a break, unless a broken link comes before it.</li>
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
        ChainWalk walk = new ChainWalk();
        Retention retention = null;
        if (!files.isEmpty() && files.get(0).index() != 1) {
            LogFile first = files.get(0);
            Anchor anchor;
            String why;
            try {
                anchor = dir.readAnchor();
                why = anchor == null ? " and no retention recorded their removal"
                        : " (" + LogDirectory.ANCHOR + " names " + anchor.firstFile() + " as the first file kept)";
            } catch (IOException e) {
                anchor = null;
                why = " and " + e.getMessage();
            }
            if (anchor == null || !anchor.firstFile().equals(first.name())) {
                return new AuditVerification(0, 0, new Break(LogDirectory.fileName(1), 0, 1, "the log starts at "
                        + first.name() + "; the files before it are missing" + why));
            }
            walk.startAt(anchor);
            retention = new Retention(first.index() - 1, anchor.seq(), anchor.until(), anchor.recordedBy());
        }
        Break found = null;
        int filesRead = 0;
        for (LogFile file : files) {
            if (filesRead > 0 && file.index() != walk.fileIndex + 1) {
                found = new Break(LogDirectory.fileName(walk.fileIndex + 1), 0, walk.seq + 1,
                        "the log file is missing (files jump from " + LogDirectory.fileName(walk.fileIndex) + " to "
                                + file.name() + ")");
                break;
            }
            walk.fileIndex = file.index();
            filesRead++;
            long limit = Extent.readable(extent, file);
            LineReader.read(file.path(), limit, (buf, off, len, number, offset, terminated) ->
                    walk.line(file.name(), buf, off, len, number, terminated, head));
            if (walk.firstBreak != null) {
                found = walk.firstBreak;
                break;
            }
        }
        if (found == null) {
            found = endBreak(walk, head);
        }
        List<Gap> gaps = walk.gaps.gaps();
        for (Gap gap : gaps) {
            if (!gap.acknowledged() && (found == null || gap.seq() < found.seq())) {
                found = new Break(gap.file(), gap.line(), gap.seq(), "entries were lost and the log recovered on "
                        + "start (" + gap.reason() + "); no operator has acknowledged it: after review, "
                        + "plugin:audit --acknowledge " + gap.seq());
                break;
            }
        }
        return new AuditVerification(walk.checked, filesRead, found, gaps, retention);
    }

    /** What the end of an unbroken walk may still show: an unconfirmed anchor, entries cut off, no head. */
    private static Break endBreak(ChainWalk walk, Head head) {
        if (walk.anchor != null && !walk.anchorConfirmed) {
            return new Break(LogDirectory.ANCHOR, 0, walk.anchor.recordedBy(), LogDirectory.ANCHOR + " names entry "
                    + walk.anchor.recordedBy() + " as the audit_retention entry that removed the files before "
                    + walk.anchor.firstFile() + ", but the log ends at seq " + walk.seq + " before it");
        }
        if (head != null && walk.seq < head.seq()) {
            String file = walk.lastFile != null ? walk.lastFile : head.file();
            return new Break(file, 0, head.seq(), "the log ends at seq " + walk.seq + " but " + LogDirectory.HEAD
                    + " records seq " + head.seq() + " in " + head.file() + ": entries were cut off the end");
        }
        if (head == null && walk.checked > 0) {
            return new Break(LogDirectory.HEAD, 0, walk.seq, LogDirectory.HEAD + " is missing although the log holds "
                    + walk.checked + " entries");
        }
        return null;
    }
}
