package dev.fluent.plugin.audit.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The end of a log file, read backwards from its end without reading the whole file. */
public final class Tail {

    /**
     * A file's last entry.
     *
     * @param link its chain fields, its hash checked
     * @param timestamp when it was recorded
     */
    public record Last(EntryCodec.Link link, Instant timestamp) {
    }

    private Tail() {
    }

    /** The last entry of a file, or {@code null} when the file is empty or its last line is not a valid entry. */
    public static Last lastEntry(Path file, EntryCodec codec) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return null;
        }
        byte[] line = lastLine(file, size);
        EntryCodec.Link link = line == null ? null : codec.link(line, 0, line.length);
        if (link == null || !link.hashMatches()) {
            return null;
        }
        return new Last(link, EntryCodec.parse(line, 0, line.length, file.getFileName().toString()).timestamp());
    }

    /** The last line of a file that ends in a newline, without it; {@code null} if unreadable. */
    public static byte[] lastLine(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int window = (int) Math.min(size, 8192);
            while (true) {
                ByteBuffer buf = ByteBuffer.allocate(window);
                long from = size - window;
                while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                    // fill the window
                }
                byte[] bytes = buf.array();
                int end = window - 1; // the newline
                if (bytes[end] != '\n') {
                    return null;
                }
                int start = end;
                while (start > 0 && bytes[start - 1] != '\n') {
                    start--;
                }
                if (start > 0 || from == 0) {
                    byte[] line = new byte[end - start];
                    System.arraycopy(bytes, start, line, 0, line.length);
                    return line;
                }
                if (window >= 64 * 1024 * 1024) {
                    return null;
                }
                window = (int) Math.min(size, (long) window * 4);
            }
        }
    }

}
