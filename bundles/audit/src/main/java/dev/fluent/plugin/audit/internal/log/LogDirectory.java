package dev.fluent.plugin.audit.internal.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of the audit log in one folder.
 *
 * <ul>
 *   <li>{@code audit-00000001.jsonl}, {@code audit-00000002.jsonl} …: the log, in order; the highest number is
 *       the file being appended to. Numbers are consecutive; a gap means a file was removed.</li>
 *   <li>{@code audit.head}: the sequence number and hash of the last entry forced to disk, and its file. It
 *       lets verification notice entries cut off the end of the log, which the chain alone cannot show.</li>
 *   <li>{@code audit-00000001.jsonl.torn-<offset>}: the bytes of a line a crash cut short, moved out of the
 *       log on restart (see {@link Recovery}).</li>
 *   <li>{@code audit.anchor}: where the chain starts once retention removed the oldest files ({@link Anchor});
 *       the {@code audit_retention} entry it names confirms it in the chain.</li>
 * </ul>
 */
public final class LogDirectory {

    public static final String HEAD = "audit.head";
    public static final String ANCHOR = "audit.anchor";
    private static final Pattern LOG_FILE = Pattern.compile("audit-(\\d{1,9})\\.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** One log file. */
    public record LogFile(int index, Path path) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    /**
     * What {@code audit.head} records.
     *
     * @param file the log file holding the entry
     * @param seq the entry's sequence number
     * @param hash the entry's hash
     * @param length the length of that file when the head was written, or {@code -1} when not known (a head
     *        written before the length was recorded, or while the newest file held no entry yet)
     */
    public record Head(String file, long seq, String hash, long length) {
    }

    /**
     * What {@code audit.anchor} records: retention removed every file before {@code firstFile}.
     *
     * @param firstFile the oldest file left
     * @param seq the last entry removed: the first entry of {@code firstFile} follows it
     * @param hash that entry's hash, the first entry's {@code prev_hash}
     * @param until that entry's timestamp
     * @param recordedBy the sequence number of the {@code audit_retention} entry that records the removal
     */
    public record Anchor(String firstFile, long seq, String hash, Instant until, long recordedBy) {
    }

    public LogDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    public static String fileName(int index) {
        return String.format("audit-%08d.jsonl", index);
    }

    /** The number of a log file's name, or {@code -1} when the name is not one of a log file. */
    public static int indexOf(String name) {
        Matcher m = LOG_FILE.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    public LogFile file(int index) {
        return new LogFile(index, dir.resolve(fileName(index)));
    }

    /** The log files, oldest first. */
    public List<LogFile> list() throws IOException {
        List<LogFile> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "audit-*.jsonl")) {
            for (Path p : stream) {
                Matcher m = LOG_FILE.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    files.add(new LogFile(Integer.parseInt(m.group(1)), p));
                }
            }
        }
        files.sort(Comparator.comparingInt(LogFile::index));
        return files;
    }

    /** The head, or {@code null} when there is none. */
    public Head readHead() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(HEAD));
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.path("seq").canConvertToLong() || !node.path("hash").isTextual()) {
                throw new IOException("not a head record");
            }
            return new Head(node.path("file").asText(), node.path("seq").asLong(), node.path("hash").asText(),
                    node.path("length").canConvertToLong() ? node.path("length").asLong() : -1);
        } catch (IOException e) {
            throw new IOException(HEAD + " in " + dir + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Replaces the head atomically and forces it to disk. */
    public void writeHead(Head head) throws IOException {
        replace(HEAD, "{\"file\":\"" + head.file() + "\",\"seq\":" + head.seq() + ",\"hash\":\"" + head.hash()
                + "\"" + (head.length() >= 0 ? ",\"length\":" + head.length() : "") + "}\n");
    }

    /** The anchor, or {@code null} when retention never removed a file. */
    public Anchor readAnchor() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(ANCHOR));
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.path("first_file").isTextual() || !node.path("seq").canConvertToLong()
                    || !node.path("hash").isTextual() || !node.path("recorded_by").canConvertToLong()) {
                throw new IOException("not an anchor record");
            }
            return new Anchor(node.path("first_file").asText(), node.path("seq").asLong(), node.path("hash").asText(),
                    Instant.parse(node.path("until").asText()), node.path("recorded_by").asLong());
        } catch (IOException | DateTimeParseException e) {
            throw new IOException(ANCHOR + " in " + dir + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Replaces the anchor atomically and forces it to disk. */
    public void writeAnchor(Anchor anchor) throws IOException {
        replace(ANCHOR, "{\"first_file\":\"" + anchor.firstFile() + "\",\"seq\":" + anchor.seq() + ",\"hash\":\""
                + anchor.hash() + "\",\"until\":\"" + anchor.until() + "\",\"recorded_by\":" + anchor.recordedBy()
                + "}\n");
    }

    /** Writes {@code name} through a temporary file, forced to disk, then renamed over the old one. */
    private void replace(String name, String text) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces the folder's entries (a new file, a rename) to disk where the platform allows it. */
    public void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open or force a directory; the files themselves are forced.
        }
    }
}
