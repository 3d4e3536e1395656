package dev.fluent.plugin.audit.internal.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a file's lines as bytes, up to a length, so that a hash covers exactly what is on disk. */
public final class LineReader {

    /** Receives each line, without its newline. */
    public interface Visitor {
        /**
         * @param buf holds the line at {@code [off, off + len)}; valid only during the call
         * @param number the line number, from 1
         * @param offset where the line starts in the file
         * @param terminated whether a newline ends it (only the file's last line may lack one)
         * @return {@code false} to stop reading
         */
        boolean line(byte[] buf, int off, int len, long number, long offset, boolean terminated) throws IOException;
    }

    private LineReader() {
    }

    /** Reads {@code file} from its start to {@code limit} bytes (or its end, whichever comes first). */
    public static void read(Path file, long limit, Visitor visitor) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        byte[] line = new byte[1024];
        int lineLength = 0;
        long lineOffset = 0;
        long position = 0;
        long number = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (position < limit) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - position));
                if (n < 0) {
                    break;
                }
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    number++;
                    if (lineLength == 0) {
                        if (!visitor.line(chunk, start, i - start, number, lineOffset, true)) {
                            return;
                        }
                    } else {
                        line = append(line, lineLength, chunk, start, i - start);
                        lineLength += i - start;
                        if (!visitor.line(line, 0, lineLength, number, lineOffset, true)) {
                            return;
                        }
                        lineLength = 0;
                    }
                    start = i + 1;
                    lineOffset = position + start;
                }
                if (start < n) {
                    line = append(line, lineLength, chunk, start, n - start);
                    lineLength += n - start;
                }
                position += n;
            }
        }
        if (lineLength > 0) {
            visitor.line(line, 0, lineLength, number + 1, lineOffset, false);
        }
    }

    private static byte[] append(byte[] line, int length, byte[] src, int off, int len) {
        if (length + len > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + len));
        }
        System.arraycopy(src, off, line, length, len);
        return line;
    }
}
