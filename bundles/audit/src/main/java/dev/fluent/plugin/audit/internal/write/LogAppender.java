package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.Extent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.Recovery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file being appended to. Renders entries onto the {@link ChainHead}, writes whole lines with one system
 * call per chunk of up to {@value #CHUNK_BYTES} bytes, rotates to the next file before a line would take this
 * one past {@link AuditSettings#maxFileBytes()}, and forces the file to disk on request, after which
 * {@code audit.head} records the chain's head. Used by one thread at a time (the constructor's, then the
 * writer thread); what callers read of it ({@link #extent()}, {@link #written()}, {@link #lastSync()}) is
 * published safely.
 */
public final class LogAppender {

    private static final Logger LOG = LoggerFactory.getLogger(LogAppender.class);
    private static final int CHUNK_BYTES = 256 * 1024;

    private final AuditSettings settings;
    private final LogDirectory dir;
    private final Clock clock;
    private final AuditWriter.Listener listener;
    private final EntryCodec codec = new EntryCodec();
    private final List<AuditRecord> chunkRecords = new ArrayList<>();
    private final ChainHead chain = new ChainHead();
    private FileChannel channel;
    private int fileIndex;
    private long fileLength;
    private boolean dirty;
    private byte[] buf = new byte[CHUNK_BYTES];
    private int bufLength;
    private long syncedAtNanos = System.nanoTime();
    private int rotations;

    // Read by callers.
    private volatile Extent extent;
    private volatile long written;
    private volatile Instant lastSync;

    /** @param listener told about each entry once written, or {@code null} */
    public LogAppender(AuditSettings settings, LogDirectory dir, Clock clock, AuditWriter.Listener listener) {
        this.settings = settings;
        this.dir = dir;
        this.clock = clock;
        this.listener = listener;
    }

    /** Whether a file is open; after an I/O failure it is closed, and the chain must be recovered again. */
    public boolean isOpen() {
        return channel != null;
    }

    /** The sequence number of the last entry written. */
    public long seq() {
        return chain.seq();
    }

    public Extent extent() {
        return extent;
    }

    /** Entries written since the start. */
    public long written() {
        return written;
    }

    /** When the log was last forced to disk, or {@code null}. */
    public Instant lastSync() {
        return lastSync;
    }

    /** {@link System#nanoTime()} of the last {@link #sync}. */
    public long syncedAtNanos() {
        return syncedAtNanos;
    }

    /** Files closed as full since the start; retention looks again after each. */
    public int rotations() {
        return rotations;
    }

    /** Whether entries were written since the last {@link #sync}. */
    public boolean dirty() {
        return dirty;
    }

    /** Continues the chain where recovery found it, in the file it names. */
    public void adopt(Recovery.State state) throws IOException {
        Path file = dir.file(state.fileIndex()).path();
        boolean created = !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (created) {
            dir.syncDirectory();
        }
        fileIndex = state.fileIndex();
        fileLength = channel.size();
        chain.continueFrom(state);
        dirty = true;
        extent = new Extent(fileIndex, fileLength, chain.seq());
    }

    /**
     * Renders and writes the events, chunk by chunk, rotating as needed; the chain advances after each chunk, so
     * after a failure {@link #seq()} tells how many were written.
     */
    public void append(List<AuditEvent> events) throws IOException {
        bufLength = 0;
        chunkRecords.clear();
        long s = chain.seq();
        String h = chain.hash();
        boolean notify = listener != null && listener.active();
        for (AuditEvent event : events) {
            EntryCodec.Encoded encoded = codec.encode(s + 1, event, h);
            byte[] line = encoded.line();
            if (fileLength + bufLength + line.length > settings.maxFileBytes() && fileLength + bufLength > 0) {
                writeChunk(s, h);
                rotate();
            } else if (bufLength + line.length > buf.length) {
                writeChunk(s, h);
                if (line.length > buf.length) {
                    buf = new byte[line.length];
                }
            }
            System.arraycopy(line, 0, buf, bufLength, line.length);
            bufLength += line.length;
            s++;
            if (notify) {
                chunkRecords.add(new AuditRecord(s, event.timestamp(), event.pluginId(), event.action(),
                        event.resource(), event.success(), event.error(), event.details(), h, encoded.hash(),
                        LogDirectory.fileName(fileIndex)));
            }
            h = encoded.hash();
        }
        writeChunk(s, h);
    }

    private void writeChunk(long lastSeq, String lastHash) throws IOException {
        if (bufLength == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(buf, 0, bufLength);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        fileLength += bufLength;
        bufLength = 0;
        written += lastSeq - chain.seq();
        chain.advance(lastSeq, lastHash, LogDirectory.fileName(fileIndex));
        dirty = true;
        extent = new Extent(fileIndex, fileLength, lastSeq);
        if (!chunkRecords.isEmpty()) {
            for (AuditRecord r : chunkRecords) {
                try {
                    listener.written(r);
                } catch (RuntimeException e) {
                    LOG.warn("An audit listener failed on entry {}", r.seq(), e);
                }
            }
            chunkRecords.clear();
        }
    }

    /** Closes the full file (forced to disk) and starts the next one. */
    private void rotate() throws IOException {
        sync();
        close();
        Path next = dir.file(fileIndex + 1).path();
        channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        fileIndex++;
        fileLength = 0;
        rotations++;
        dir.syncDirectory();
        extent = new Extent(fileIndex, 0, chain.seq());
        LOG.debug("Audit log rotated to {}", next);
    }

    /** Forces what was written to disk and records the chain's head in {@code audit.head}. */
    public void sync() throws IOException {
        if (channel != null && dirty) {
            channel.force(false);
            chain.save(dir, LogDirectory.fileName(fileIndex), fileLength);
            dirty = false;
            lastSync = clock.instant();
        }
        syncedAtNanos = System.nanoTime();
    }

    /** Closes the file; written entries not yet forced to disk are not forced. */
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing {} failed", LogDirectory.fileName(fileIndex), e);
            }
            channel = null;
        }
    }
}
