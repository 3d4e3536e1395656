package dev.fluent.plugin.audit.internal.log;

import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Head;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where the chain continues when the writer starts, after a clean stop or a crash.
 *
 * <ul>
 *   <li>A last line without its newline is a write a crash cut short. Its bytes are moved to
 *       {@code <file>.torn-<offset>}, the file is cut back to the last whole line, and the first entry the
 *       writer appends says so ({@code audit_recovery}, failed, {@code TORN_LINE}). Nothing is ever appended
 *       to a torn line.</li>
 *   <li>A last whole line that is not a valid entry (edited, corrupted) is left as it is, for verification to
 *       report; the chain continues from the last valid entry and an {@code audit_recovery} entry says so.</li>
 *   <li>A log that ends before the entry {@code audit.head} records lost entries that had been forced to disk:
 *       an {@code audit_recovery} entry ({@code LOG_TRUNCATED}) says so.</li>
 * </ul>
 */
public final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /**
     * Where the chain continues.
     *
     * @param fileIndex the file to append to
     * @param fileLength its length
     * @param seq the last entry's sequence number ({@code 0} for an empty log)
     * @param hash the last entry's hash ({@link EntryCodec#GENESIS} for an empty log)
     * @param lastFile the file holding the last entry, or {@code null}
     * @param notes entries to append first, reporting what recovery found
     */
    public record State(int fileIndex, long fileLength, long seq, String hash, String lastFile, List<AuditEvent> notes) {
    }

    private Recovery() {
    }

    public static State recover(LogDirectory dir, Clock clock) throws IOException {
        Files.createDirectories(dir.path());
        List<AuditEvent> notes = new ArrayList<>();
        List<LogFile> files = dir.list();
        if (files.isEmpty()) {
            Head head = dir.readHead();
            if (head != null && head.seq() > 0) {
                notes.add(truncated(clock, head, 0, "no log file is left", -1));
            }
            return new State(1, 0, 0, EntryCodec.GENESIS, null, notes);
        }
        LogFile newest = files.get(files.size() - 1);
        long length = cutTornTail(newest, clock, notes);

        EntryCodec codec = new EntryCodec();
        boolean tailValid = true;
        EntryCodec.Link last = null;
        String lastFile = null;
        for (int i = files.size() - 1; i >= 0 && last == null; i--) {
            LogFile f = files.get(i);
            long size = f == newest ? length : Files.size(f.path());
            if (size == 0) {
                continue;
            }
            byte[] tail = Tail.lastLine(f.path(), size);
            EntryCodec.Link link = tail == null ? null : codec.link(tail, 0, tail.length);
            if (link == null || !link.hashMatches()) {
                tailValid = false;
                link = lastValid(f.path(), size, codec);
                LOG.error("The last line of audit log {} is not a valid entry; the chain continues from {}. "
                        + "plugin:audit --verify shows where it breaks.", f.path(),
                        link == null ? "the previous file" : "seq " + link.seq());
                notes.add(note(clock, "CHAIN_TAIL_INVALID: the last line of " + f.name()
                        + " is not a valid audit entry; the chain continues from "
                        + (link == null ? "the previous file" : "seq " + link.seq()), Map.of("file", f.name())));
            }
            if (link != null) {
                last = link;
                lastFile = f.name();
            }
        }
        long seq = last == null ? 0 : last.seq();
        String hash = last == null ? EntryCodec.GENESIS : last.hash();

        Head head;
        try {
            head = dir.readHead();
        } catch (IOException e) {
            LOG.error("{}; it is rewritten from the log", e.getMessage());
            head = null;
            notes.add(note(clock, "HEAD_UNREADABLE: " + e.getMessage(), Map.of()));
        }
        if (tailValid && head != null && head.seq() > seq) {
            boolean sameFile = head.file().equals(newest.name()) && head.length() > length;
            boolean headFileLeft = false;
            for (LogFile f : files) {
                headFileLeft |= f.name().equals(head.file());
            }
            String found = "the log ends at seq " + seq + (headFileLeft ? "" : " and " + head.file() + " is gone");
            notes.add(truncated(clock, head, seq, found, sameFile ? head.length() - length : -1));
        }
        return new State(newest.index(), length, seq, hash, lastFile, notes);
    }

    /** Moves a torn last line out of the way; returns the file's length afterwards. */
    private static long cutTornTail(LogFile file, Clock clock, List<AuditEvent> notes) throws IOException {
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0 || byteAt(ch, size - 1) == '\n') {
                return size;
            }
            long start = size - 1;
            while (start > 0 && byteAt(ch, start - 1) != '\n') {
                start--;
            }
            ByteBuffer torn = ByteBuffer.allocate((int) Math.min(size - start, Integer.MAX_VALUE - 16));
            ch.read(torn, start);
            torn.flip();
            Path moved = file.path().resolveSibling(file.name() + ".torn-" + start);
            try (FileChannel out = FileChannel.open(moved, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (torn.hasRemaining()) {
                    out.write(torn);
                }
                out.force(true);
            }
            ch.truncate(start);
            ch.force(true);
            LOG.warn("Audit log {} ended in a torn line ({} bytes without a newline at offset {}, a write cut short "
                    + "by a crash); moved it to {} and continued the chain from the last whole line",
                    file.path(), size - start, start, moved.getFileName());
            Map<String, String> details = new LinkedHashMap<>();
            details.put("file", file.name());
            details.put("offset", Long.toString(start));
            details.put("bytes", Long.toString(size - start));
            details.put("moved_to", moved.getFileName().toString());
            notes.add(note(clock, "TORN_LINE: " + file.name() + " ended in " + (size - start)
                    + " bytes without a newline at offset " + start + " (a write cut short by a crash); moved to "
                    + moved.getFileName(), details));
            return start;
        }
    }

    /** The last valid entry of a file, reading it whole. */
    private static EntryCodec.Link lastValid(Path file, long size, EntryCodec codec) throws IOException {
        EntryCodec.Link[] last = {null};
        LineReader.read(file, size, (buf, off, len, number, offset, terminated) -> {
            EntryCodec.Link link = codec.link(buf, off, len);
            if (link != null && link.hashMatches()) {
                last[0] = link;
            }
            return true;
        });
        return last[0];
    }

    /**
     * @param bytesLost how much was cut off the end of the head's file, or {@code -1} when not known
     */
    private static AuditEvent truncated(Clock clock, Head head, long seq, String found, long bytesLost) {
        long lost = head.seq() - seq;
        LOG.error("The audit log was cut short: {} records seq {} in {}, but {}. {} entries that had been forced to "
                + "disk are gone. plugin:audit --verify reports the gap until an operator acknowledges it.",
                LogDirectory.HEAD, head.seq(), head.file(), found, lost);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("head_seq", Long.toString(head.seq()));
        details.put("head_file", head.file());
        details.put("log_seq", Long.toString(seq));
        details.put("entries_lost", Long.toString(lost));
        if (bytesLost >= 0) {
            details.put("bytes_lost", Long.toString(bytesLost));
        }
        return note(clock, "LOG_TRUNCATED: " + LogDirectory.HEAD + " records seq " + head.seq() + " in " + head.file()
                + ", but " + found + "; " + lost + (lost == 1 ? " entry" : " entries") + " (seq " + (seq + 1)
                + (lost > 1 ? "–" + head.seq() : "") + ")"
                + (bytesLost >= 0 ? ", " + bytesLost + " bytes at the end of " + head.file() + "," : "")
                + " that had been forced to disk " + (lost == 1 ? "is" : "are") + " gone", details);
    }

    private static AuditEvent note(Clock clock, String error, Map<String, String> details) {
        return new AuditEvent(clock.instant(), "", AuditActions.AUDIT_RECOVERY, null, false, error, details);
    }

    private static byte byteAt(FileChannel ch, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, position);
        return one.get(0);
    }
}
