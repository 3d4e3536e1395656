package dev.fluent.plugin.host.filesystem.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads of a provider's own that open, read and write files, so that an execution never waits on a file past
 * its deadline. Opening a FIFO blocks until its other end is opened, and a FIFO can be swapped in between the
 * look at a name and its open ({@link FileAccess}); the thread that opens it then waits, not the execution,
 * which gives up at its deadline. A thread stuck that way is logged; it is freed when the FIFO's other end is
 * opened. Operations never queue behind a stuck thread: each gets an idle thread or a new one, up to a bound,
 * beyond which they are refused (a {@link Refusal} {@code BUSY}). Idle threads end after 30 s.
 */
final class FileThreads implements AutoCloseable {

    /** One file operation; {@code abandoned} turns true once its caller stopped waiting. */
    interface Operation<T> {
        T run(BooleanSupplier abandoned) throws Refusal;
    }

    /** Most threads of one provider that work on files at once; beyond, calls fail until one is free. */
    static final int MAX_THREADS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(FileThreads.class);

    private final ThreadPoolExecutor pool;
    private final int threads;
    /**
     * One permit per operation in flight, taken before it is handed over and given back when it ends (not
     * when its caller stops waiting): at most {@code threads} operations are ever queued or running, so the
     * queue never waits behind a stuck one, and a thread that just finished is never mistaken for a busy one.
     */
    private final Semaphore slots;

    FileThreads(String name, int threads) {
        this.threads = threads;
        this.slots = new Semaphore(threads);
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs the operation on one of the threads and waits for it at most {@code wait}.
     *
     * @throws TimeoutException when it did not end in time (it is abandoned: a write not yet made is not made)
     * @throws InterruptedException when the caller was interrupted (its deadline); the operation is abandoned too
     * @throws Refusal what the operation throws, or BUSY when every thread is busy
     */
    <T> T run(Operation<T> operation, Duration wait, String what) throws Refusal, TimeoutException,
            InterruptedException {
        AtomicBoolean abandoned = new AtomicBoolean();
        long start = System.nanoTime();
        if (!slots.tryAcquire()) {
            LOG.warn("{} refused: all {} file threads are busy (opens that do not end, such as FIFOs put in the"
                    + " place of files, keep threads until their other end is opened)", what, threads);
            throw Refusal.busy(threads);
        }
        // Given back exactly once: when the operation ends, or when a cancel kept it from ever starting.
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        AtomicBoolean started = new AtomicBoolean();
        Future<T> future;
        try {
            future = pool.submit(() -> {
                started.set(true);
                try {
                    T result = operation.run(abandoned::get);
                    if (abandoned.get()) {
                        LOG.warn("{} ended {} ms after it began, after its execution stopped waiting", what,
                                (System.nanoTime() - start) / 1_000_000);
                    }
                    return result;
                } finally {
                    release.run();
                }
            });
        } catch (RejectedExecutionException e) {
            release.run();
            throw Refusal.busy(threads); // shut down
        }
        try {
            return future.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            abandoned.set(true);
            if (future.cancel(true) && !started.get()) {
                release.run(); // it never ran, so it never gives its permit back itself
            }
            if (e instanceof TimeoutException) {
                LOG.warn("{} did not end within {} ms, the time its execution had left; a FIFO swapped in while"
                        + " it was checked keeps a file thread waiting until its other end is opened", what,
                        wait.toMillis());
            }
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Refusal refusal) {
                throw refusal;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
