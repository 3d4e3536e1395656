package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.Extent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.Recovery;
import dev.fluent.plugin.audit.internal.retention.Retention;
import dev.fluent.plugin.audit.internal.volume.VolumeLimiter;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit entries to the log off the request path.
 *
 * <p>{@link #record} only puts the event in a bounded queue. The {@link WriterThread} drains it in batches
 * and has the {@link LogAppender} give each entry its sequence number and chained hash ({@link ChainHead}),
 * write whole lines with one system call per chunk and rotate files by size; every flush interval (and before
 * rotating and on close) the file is forced to disk, after which {@code audit.head} is rewritten. When the
 * queue is full the configured {@link Backpressure} applies; an entry that still finds no room is counted,
 * logged, and the loss itself recorded in the chain as an {@code audit_overflow} entry. Before an entry is
 * queued, the {@link VolumeLimiter} may count it into its plugin's {@code audit_suppressed} summary instead;
 * retention removes the oldest files at start, after rotations and hourly.
 */
public final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;

    /** Told about every entry once it is written, on the writer thread. */
    public interface Listener {
        /** Whether anyone listens now; when not, no record is built. */
        boolean active();

        void written(AuditRecord record);
    }

    private final AuditSettings settings;
    private final LogDirectory dir;
    private final ArrayBlockingQueue<Object> queue;
    private final LogAppender appender;
    private final WriterThread thread;
    private final VolumeLimiter limiter;
    private final LongAdder waited = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /**
     * Finishes a retention run a stop interrupted, recovers the chain from the folder (see {@link Recovery}),
     * writes what recovery found, runs retention, and starts the writer thread.
     *
     * @throws IOException when the folder cannot be read or written
     */
    public AuditWriter(AuditSettings settings, Clock clock, Listener listener) throws IOException {
        this.settings = settings;
        this.dir = new LogDirectory(settings.directory());
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.appender = new LogAppender(settings, dir, clock, listener);
        if (Files.isDirectory(dir.path())) {
            Retention.finishInterrupted(dir);
        }
        Recovery.State state = Recovery.recover(dir, clock);
        appender.adopt(state);
        if (!state.notes().isEmpty()) {
            appender.append(state.notes());
        }
        appender.sync();
        this.limiter = new VolumeLimiter(settings.volumeCapPerMinute(), clock);
        Housekeeping housekeeping = new Housekeeping(dir, appender,
                new Retention(dir, settings.retentionDays(), settings.retentionMaxBytes(), clock), clock);
        housekeeping.retentionIfDue();
        this.thread = new WriterThread(settings, dir, clock, queue, appender, dropped, limiter, housekeeping);
        thread.start();
    }

    /**
     * Queues one event, unless the {@link VolumeLimiter} counts it instead (and then perhaps a summary before
     * it); never throws. Waits only when the queue is full and backpressure is {@code block}.
     */
    public void record(AuditEvent event) {
        if (event == null) {
            return;
        }
        if (thread.finished()) {
            Fallback.lost(event, "the audit log is closed");
            return;
        }
        VolumeLimiter.Admission admission = limiter.admit(event);
        if (admission.summary() != null) {
            enqueue(admission.summary());
        }
        if (admission.write()) {
            enqueue(event);
        }
    }

    /**
     * Records an entry that must not be lost, e.g. an operator's acknowledgement: waits for room in the queue
     * whatever the backpressure mode, then until the entry is written and forced to disk.
     *
     * @return {@code false} when that did not happen within {@code millis} (the entry may still be written)
     */
    public boolean recordDurably(AuditEvent event, long millis) {
        if (thread.finished()) {
            return false;
        }
        if (!queue.offer(event)) {
            thread.wake();
            if (!offerWithin(event, millis)) {
                return false;
            }
        }
        if (thread.finished() && queue.remove(event)) {
            return false;
        }
        return awaitWritten(millis, true);
    }

    /** Entries the volume cap counted into summaries instead of writing, since the start. */
    public long heldBack() {
        return limiter.heldBack();
    }

    private void enqueue(AuditEvent event) {
        if (!queue.offer(event)) {
            overflow(event);
        } else {
            withdrawIfClosed(event);
        }
    }

    /** An event queued just as the log closed may never be written: it goes to the container log instead. */
    private void withdrawIfClosed(AuditEvent event) {
        if (thread.finished() && queue.remove(event)) {
            Fallback.lost(event, "the audit log is closed");
        }
    }

    private void overflow(AuditEvent event) {
        thread.wake();
        if (settings.backpressure() == Backpressure.BLOCK && settings.blockTimeoutMillis() > 0) {
            waited.increment();
            if (offerWithin(event, settings.blockTimeoutMillis())) {
                withdrawIfClosed(event);
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
    public boolean awaitWritten(long millis, boolean sync) {
        if (thread.finished()) {
            return !thread.isAlive();
        }
        WriterThread.Barrier barrier = new WriterThread.Barrier(new CountDownLatch(1), sync);
        try {
            if (!queue.offer(barrier, millis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            thread.wake();
            return barrier.done().await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Extent extent() {
        return appender.extent();
    }

    public LogDirectory directory() {
        return dir;
    }

    public AuditStatus status() {
        Extent e = appender.extent();
        return new AuditStatus(dir.path().toString(), LogDirectory.fileName(e.fileIndex()), e.seq(), queue.size(),
                settings.queueCapacity(), appender.written(), waited.sum(), dropped.sum(),
                settings.backpressure().configName(), appender.lastSync());
    }

    /** Writes everything queued, forces it to disk and stops the writer thread. */
    @Override
    public void close() {
        if (!thread.finish(CLOSE_TIMEOUT_MILLIS)) {
            LOG.error("The audit writer did not finish within {} ms; entries still queued are in the container log",
                    CLOSE_TIMEOUT_MILLIS);
        }
        for (Object item; (item = queue.poll()) != null;) {
            if (item instanceof AuditEvent event) {
                Fallback.lost(event, "the audit writer stopped before writing it");
            }
        }
    }
}
