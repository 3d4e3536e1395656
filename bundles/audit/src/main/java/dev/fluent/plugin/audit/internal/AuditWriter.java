package dev.fluent.plugin.audit.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.LogDirectory.Head;
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
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit entries to the log off the request path.
 *
 * <p>{@link #record} only puts the event in a bounded queue. One writer thread drains it in batches, gives
 * each entry its sequence number and chained hash, writes whole lines with one system call per chunk, rotates
 * files by size, and forces the file to disk every flush interval (and before rotating and on close), after
 * which it rewrites {@code audit.head}. When the queue is full the configured {@link Backpressure} applies;
 * an entry that still finds no room is counted, logged, and the loss itself recorded in the chain as an
 * {@code audit_overflow} entry.
 */
final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    /** Where entries go that cannot reach the file (writer stopped, disk failing): the container's log. */
    private static final Logger FALLBACK = LoggerFactory.getLogger("dev.fluent.plugin.audit");

    private static final int BATCH = 1024;
    private static final int CHUNK_BYTES = 256 * 1024;
    private static final long MIN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;

    /** How far the log is written: readers stop there, so they never see a line being written. */
    record Extent(int fileIndex, long length, long seq) {
    }

    /** Told about every entry once it is written, on the writer thread. */
    interface Listener {
        /** Whether anyone listens now; when not, no record is built. */
        boolean active();

        void written(AuditRecord record);
    }

    /** Put in the queue by {@link #awaitWritten}: released once everything queued before it is written. */
    private record Barrier(CountDownLatch done, boolean sync) {
    }

    private final AuditSettings settings;
    private final LogDirectory dir;
    private final Clock clock;
    private final Listener listener;
    private final ArrayBlockingQueue<Object> queue;
    private final Thread thread;

    // Shared with callers.
    private volatile Extent extent;
    private volatile boolean finished;
    private volatile long written;
    private volatile Instant lastSync;
    private final LongAdder waited = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    // The writer thread's own (and the constructor's, before the thread starts).
    private final EntryCodec codec = new EntryCodec();
    private FileChannel channel;
    private int fileIndex;
    private long fileLength;
    private long seq;
    private String hash;
    private String lastFile;
    private boolean dirty;
    private long nextSync;
    private long droppedReported;
    private long lastBehindWarning = System.nanoTime() - WARN_EVERY_NANOS;
    private byte[] buf = new byte[CHUNK_BYTES];
    private int bufLength;
    private final List<AuditRecord> chunkRecords = new ArrayList<>();

    /**
     * Recovers the chain from the folder (see {@link Recovery}), writes what recovery found, and starts the
     * writer thread.
     *
     * @throws IOException when the folder cannot be read or written
     */
    AuditWriter(AuditSettings settings, Clock clock, Listener listener) throws IOException {
        this.settings = settings;
        this.dir = new LogDirectory(settings.directory());
        this.clock = clock;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        Recovery.State state = Recovery.recover(dir, clock);
        adopt(state);
        if (!state.notes().isEmpty()) {
            append(state.notes());
        }
        sync();
        this.thread = new Thread(this::run, "fluent-audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one event; never throws. Waits only when the queue is full and backpressure is {@code block}. */
    void record(AuditEvent event) {
        if (event == null) {
            return;
        }
        if (finished) {
            lost(event, "the audit log is closed");
            return;
        }
        if (!queue.offer(event)) {
            overflow(event);
        } else if (finished && queue.remove(event)) {
            lost(event, "the audit log is closed");
        }
    }

    private void overflow(AuditEvent event) {
        LockSupport.unpark(thread);
        if (settings.backpressure() == Backpressure.BLOCK && settings.blockTimeoutMillis() > 0) {
            waited.increment();
            if (offerWithin(event, settings.blockTimeoutMillis())) {
                if (finished && queue.remove(event)) {
                    lost(event, "the audit log is closed");
                }
                return;
            }
        }
        dropped.increment();
        long now = System.nanoTime();
        long last = lastDropWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastDropWarning.compareAndSet(last, now)) {
            LOG.error("The audit queue is full ({} entries, backpressure {}): dropped an entry ({} {} of '{}'); {} "
                    + "dropped so far. Each loss is recorded in the log as an {} entry. Raise queueCapacity or "
                    + "check the disk under {}.", settings.queueCapacity(), settings.backpressure().configName(),
                    event.action(), event.success() ? "succeeded" : "failed", event.pluginId(), dropped.sum(),
                    AuditActions.AUDIT_OVERFLOW, settings.directory());
        }
    }

    /** Waits for room up to {@code millis}, through interrupts (restored afterwards): the wait is bounded anyway. */
    private boolean offerWithin(Object item, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return queue.offer(item);
                }
                try {
                    return queue.offer(item, left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until everything recorded before the call is written (readable), and with {@code sync} forced to
     * disk with {@code audit.head} updated.
     *
     * @return {@code false} when that did not happen within {@code millis}
     */
    boolean awaitWritten(long millis, boolean sync) {
        if (finished) {
            return !thread.isAlive();
        }
        Barrier barrier = new Barrier(new CountDownLatch(1), sync);
        try {
            if (!queue.offer(barrier, millis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            LockSupport.unpark(thread);
            return barrier.done().await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Extent extent() {
        return extent;
    }

    LogDirectory directory() {
        return dir;
    }

    AuditStatus status() {
        Extent e = extent;
        return new AuditStatus(dir.path().toString(), LogDirectory.fileName(e.fileIndex()), e.seq(), queue.size(),
                settings.queueCapacity(), written, waited.sum(), dropped.sum(), settings.backpressure().configName(),
                lastSync);
    }

    /** Writes everything queued, forces it to disk and stops the writer thread. */
    @Override
    public void close() {
        finished = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("The audit writer did not finish within {} ms; entries still queued are in the container log",
                    CLOSE_TIMEOUT_MILLIS);
        }
        for (Object item; (item = queue.poll()) != null;) {
            if (item instanceof AuditEvent event) {
                lost(event, "the audit writer stopped before writing it");
            }
        }
    }

    // ---------------------------------------------------------------- the writer thread

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        List<AuditEvent> events = new ArrayList<>(BATCH);
        long idle = MIN_IDLE_NANOS;
        while (true) {
            boolean last = finished;
            try {
                queue.drainTo(batch, BATCH);
                if (!batch.isEmpty()) {
                    for (Object item : batch) {
                        if (item instanceof AuditEvent event) {
                            events.add(event);
                        } else if (item instanceof Barrier barrier) {
                            writeAll(events);
                            if (barrier.sync()) {
                                syncQuietly();
                            }
                            barrier.done().countDown();
                        }
                    }
                    writeAll(events);
                    idle = MIN_IDLE_NANOS;
                    warnIfBehind();
                }
                reportDrops();
                if (dirty && System.nanoTime() - nextSync >= 0) {
                    syncQuietly();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("The audit writer failed on a batch of {} entries; continuing", events.size(), e);
                for (AuditEvent event : events) {
                    lost(event, "the audit writer failed: " + e);
                }
            } finally {
                batch.clear();
                events.clear();
            }
            if (last && queue.isEmpty()) {
                break;
            }
            if (queue.isEmpty()) {
                long wait = dirty ? Math.min(idle, Math.max(0, nextSync - System.nanoTime())) : idle;
                LockSupport.parkNanos(this, Math.max(wait, 1000));
                idle = Math.min(idle * 2, MAX_IDLE_NANOS);
            }
        }
        syncQuietly();
        closeChannel();
    }

    private void warnIfBehind() {
        int queued = queue.size();
        long now = System.nanoTime();
        if (queued > settings.queueCapacity() * 3L / 4 && now - lastBehindWarning >= WARN_EVERY_NANOS) {
            lastBehindWarning = now;
            LOG.warn("The audit writer is falling behind: {} of {} queue places taken (backpressure {}); "
                    + "writing to {}", queued, settings.queueCapacity(), settings.backpressure().configName(),
                    settings.directory());
        }
    }

    private void reportDrops() {
        long total = dropped.sum();
        if (total > droppedReported) {
            long n = total - droppedReported;
            droppedReported = total;
            writeAll(new ArrayList<>(List.of(new AuditEvent(clock.instant(), "", AuditActions.AUDIT_OVERFLOW, null,
                    false, "AUDIT_OVERFLOW: " + n + " entries were dropped because the audit queue was full (capacity "
                            + settings.queueCapacity() + ", backpressure " + settings.backpressure().configName() + ")",
                    Map.of("dropped", Long.toString(n), "dropped_total", Long.toString(total))))));
        }
    }

    /** Writes the events, retrying through I/O failures; clears the list. */
    private void writeAll(List<AuditEvent> events) {
        List<AuditEvent> work = events;
        int attempts = 0;
        while (!work.isEmpty()) {
            long before = seq;
            try {
                if (channel == null) {
                    Recovery.State state = Recovery.recover(dir, clock);
                    int onDisk = (int) Math.max(0, Math.min(work.size(), state.seq() - seq));
                    adopt(state);
                    List<AuditEvent> next = new ArrayList<>(state.notes());
                    next.addAll(work.subList(onDisk, work.size()));
                    work = next;
                    before = seq;
                }
                append(work);
                break;
            } catch (IOException e) {
                int committed = (int) Math.max(0, Math.min(work.size(), seq - before));
                work = new ArrayList<>(work.subList(committed, work.size()));
                closeChannel();
                attempts++;
                LOG.error("Writing the audit log under {} failed (attempt {}); {} entries wait and are retried",
                        settings.directory(), attempts, work.size() + queue.size(), e);
                if (finished && attempts >= 3) {
                    for (AuditEvent event : work) {
                        lost(event, "the audit log could not be written: " + e.getMessage());
                    }
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1000, 100L * attempts)));
            }
        }
        events.clear();
    }

    /** Renders and writes the events, chunk by chunk, rotating as needed; commits the chain after each chunk. */
    private void append(List<AuditEvent> events) throws IOException {
        bufLength = 0;
        chunkRecords.clear();
        long s = seq;
        String h = hash;
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
        written += lastSeq - seq;
        seq = lastSeq;
        hash = lastHash;
        lastFile = LogDirectory.fileName(fileIndex);
        dirty = true;
        extent = new Extent(fileIndex, fileLength, seq);
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
        closeChannel();
        Path next = dir.file(fileIndex + 1).path();
        channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        fileIndex++;
        fileLength = 0;
        dir.syncDirectory();
        extent = new Extent(fileIndex, 0, seq);
        LOG.debug("Audit log rotated to {}", next);
    }

    /** Continues the chain where recovery found it. */
    private void adopt(Recovery.State state) throws IOException {
        Path file = dir.file(state.fileIndex()).path();
        boolean created = !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (created) {
            dir.syncDirectory();
        }
        fileIndex = state.fileIndex();
        fileLength = channel.size();
        seq = state.seq();
        hash = state.hash();
        lastFile = state.lastFile();
        dirty = true;
        extent = new Extent(fileIndex, fileLength, seq);
    }

    private void sync() throws IOException {
        if (channel != null && dirty) {
            channel.force(false);
            if (seq > 0 && lastFile != null) {
                dir.writeHead(new Head(lastFile, seq, hash));
            }
            dirty = false;
            lastSync = clock.instant();
        }
        nextSync = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.flushIntervalMillis());
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (IOException e) {
            LOG.error("Forcing the audit log under {} to disk failed; retried at the next interval",
                    settings.directory(), e);
            nextSync = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.flushIntervalMillis());
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing {} failed", LogDirectory.fileName(fileIndex), e);
            }
            channel = null;
        }
    }

    private static void lost(AuditEvent e, String why) {
        FALLBACK.warn("Audit entry not written ({}): {} {} {} success={} error={} details={} at {}", why,
                e.pluginId(), e.action(), e.resource(), e.success(), e.error(), e.details(), e.timestamp());
    }
}
