package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.Recovery;
import dev.fluent.plugin.audit.internal.volume.VolumeLimiter;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread, {@code fluent-audit-writer}: drains the queue in batches of up to {@value #BATCH} and has
 * the {@link LogAppender} write them; releases each {@link Barrier} once what was queued before it is written
 * (and, when asked, forced to disk); forces the log to disk every flush interval when anything was written;
 * records entries the queue dropped in the chain itself ({@code audit_overflow}); writes the summaries of the
 * {@link VolumeLimiter}'s ended windows ({@code audit_suppressed}); runs retention ({@link Housekeeping});
 * warns when the queue fills.
 * Through I/O failures it keeps the entries and retries, recovering the chain first so that entries that did
 * reach the disk are not written twice. Once finished, it writes what is queued, forces it and closes the file.
 */
public final class WriterThread {

    private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);

    private static final int BATCH = 1024;
    private static final long MIN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Attempts at writing a batch, once finished, before its entries go to the container log. */
    private static final int FINAL_ATTEMPTS = 3;

    /** Put in the queue by {@link AuditWriter#awaitWritten}: released once everything queued before it is written. */
    public record Barrier(CountDownLatch done, boolean sync) {
    }

    private final AuditSettings settings;
    private final LogDirectory dir;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    private final LogAppender appender;
    private final LongAdder dropped;
    private final VolumeLimiter limiter;
    private final Housekeeping housekeeping;
    private final long flushNanos;
    private final Thread thread;
    private volatile boolean finished;

    // The thread's own.
    private long droppedReported;
    private long lastBehindWarning = System.nanoTime() - WARN_EVERY_NANOS;
    private long lastFailedSync;

    /**
     * @param appender the log, its chain recovered and the file open
     * @param dropped the entries the queue dropped so far; each is recorded in the chain
     * @param limiter whose ended windows' summaries the thread writes
     */
    WriterThread(AuditSettings settings, LogDirectory dir, Clock clock, BlockingQueue<Object> queue,
            LogAppender appender, LongAdder dropped, VolumeLimiter limiter, Housekeeping housekeeping) {
        this.settings = settings;
        this.dir = dir;
        this.clock = clock;
        this.queue = queue;
        this.appender = appender;
        this.dropped = dropped;
        this.limiter = limiter;
        this.housekeeping = housekeeping;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(settings.flushIntervalMillis());
        this.lastFailedSync = appender.syncedAtNanos();
        this.thread = new Thread(this::run, "fluent-audit-writer");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Has the thread look at the queue now rather than after its idle wait. */
    public void wake() {
        LockSupport.unpark(thread);
    }

    /** Whether {@link #finish} was called: nothing may be queued any more. */
    public boolean finished() {
        return finished;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Has the thread write what is queued, force it to disk and stop.
     *
     * @return {@code false} when it had not stopped after {@code millis}
     */
    public boolean finish(long millis) {
        finished = true;
        wake();
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        List<AuditEvent> events = new ArrayList<>(BATCH);
        long idle = MIN_IDLE_NANOS;
        while (true) {
            boolean last = finished;
            boolean closing = false;
            try {
                queue.drainTo(batch, BATCH);
                if (!batch.isEmpty()) {
                    for (Object item : batch) {
                        if (item instanceof AuditEvent event) {
                            events.add(event);
                        } else if (item instanceof Barrier barrier) {
                            writeAll(events);
                            writeSummaries(false);
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
                // Finished and drained: nothing can be recorded any more, so every window ends here.
                closing = last && queue.isEmpty();
                writeSummaries(closing);
                housekeeping.retentionIfDue();
                if (appender.dirty() && System.nanoTime() - nextSync() >= 0) {
                    syncQuietly();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("The audit writer failed on a batch of {} entries; continuing", events.size(), e);
                for (AuditEvent event : events) {
                    Fallback.lost(event, "the audit writer failed: " + e);
                }
            } finally {
                batch.clear();
                events.clear();
            }
            if (closing) {
                break;
            }
            if (queue.isEmpty()) {
                long wait = appender.dirty() ? Math.min(idle, Math.max(0, nextSync() - System.nanoTime())) : idle;
                LockSupport.parkNanos(this, Math.max(wait, 1000));
                idle = Math.min(idle * 2, MAX_IDLE_NANOS);
            }
        }
        syncQuietly();
        appender.close();
    }

    /** One flush interval after the last sync, or after the last failed one. */
    private long nextSync() {
        long synced = appender.syncedAtNanos();
        return (lastFailedSync - synced > 0 ? lastFailedSync : synced) + flushNanos;
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

    /** Writes the summaries of the volume windows that ended; with {@code all}, of every window (the log closes). */
    private void writeSummaries(boolean all) {
        List<AuditEvent> summaries = all ? limiter.closeAll() : limiter.closeEnded();
        if (!summaries.isEmpty()) {
            writeAll(new ArrayList<>(summaries));
        }
    }

    /** Writes the events, retrying through I/O failures; clears the list. */
    private void writeAll(List<AuditEvent> events) {
        List<AuditEvent> work = events;
        int attempts = 0;
        while (!work.isEmpty()) {
            long before = appender.seq();
            try {
                if (!appender.isOpen()) {
                    Recovery.State state = Recovery.recover(dir, clock);
                    int onDisk = (int) Math.max(0, Math.min(work.size(), state.seq() - appender.seq()));
                    appender.adopt(state);
                    List<AuditEvent> next = new ArrayList<>(state.notes());
                    next.addAll(work.subList(onDisk, work.size()));
                    work = next;
                    before = appender.seq();
                }
                appender.append(work);
                break;
            } catch (IOException e) {
                int committed = (int) Math.max(0, Math.min(work.size(), appender.seq() - before));
                work = new ArrayList<>(work.subList(committed, work.size()));
                appender.close();
                attempts++;
                LOG.error("Writing the audit log under {} failed (attempt {}); {} entries wait and are retried",
                        settings.directory(), attempts, work.size() + queue.size(), e);
                if (finished && attempts >= FINAL_ATTEMPTS) {
                    for (AuditEvent event : work) {
                        Fallback.lost(event, "the audit log could not be written: " + e.getMessage());
                    }
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1000, 100L * attempts)));
            }
        }
        events.clear();
    }

    private void syncQuietly() {
        try {
            appender.sync();
        } catch (IOException e) {
            LOG.error("Forcing the audit log under {} to disk failed; retried at the next interval",
                    settings.directory(), e);
            lastFailedSync = System.nanoTime();
        }
    }
}
