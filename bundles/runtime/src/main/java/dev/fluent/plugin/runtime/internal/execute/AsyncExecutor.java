package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor behind {@code Engine.executeAsync}: a fixed number of threads and a bounded queue,
 * both owned by the platform. An execution submitted when both are full fails at once with {@code BUSY};
 * one that runs takes exactly the synchronous path ({@link LoadedPlugin#execute}: deadline, limits, audit,
 * statistics) on a thread of this executor. Cancelling the returned future stops the guest: its thread is
 * interrupted as at a deadline, and the execution ends with {@code CANCELLED}.
 */
public final class AsyncExecutor implements AutoCloseable {

    /** Threads by default: enough to keep the cores busy while some executions wait on host calls. */
    public static final int DEFAULT_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** Executions that may wait for a thread by default. */
    public static final int DEFAULT_QUEUE = 256;

    private final ThreadPoolExecutor pool;
    private final int threads;
    private final int queue;

    public AsyncExecutor() {
        this(DEFAULT_THREADS, DEFAULT_QUEUE);
    }

    public AsyncExecutor(int threads, int queue) {
        this.threads = threads;
        this.queue = queue;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "fluent-plugin-async-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code request} on {@code plugin} on a thread of this executor. */
    public CompletableFuture<EngineResponse> submit(LoadedPlugin plugin, EngineRequest request) {
        Task task = new Task(plugin, request);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            PluginException busy = new PluginException(ErrorCode.BUSY, plugin.id(), "the platform runs " + threads
                    + " asynchronous executions and queues " + queue + " more; all are taken: retry later, or call"
                    + " execute on a thread of your own");
            plugin.refused(busy);
            task.completeExceptionally(busy);
        }
        return task;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * One asynchronous execution, and its future. Cancelling it interrupts its thread only while the
     * execution runs there, so an interrupt never reaches the next task of that thread.
     */
    private static final class Task extends CompletableFuture<EngineResponse> implements Runnable {

        private final LoadedPlugin plugin;
        private final EngineRequest request;
        private Thread runner;
        private boolean cancelRequested;

        Task(LoadedPlugin plugin, EngineRequest request) {
            this.plugin = plugin;
            this.request = request;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (isDone()) {
                    return; // cancelled while queued: never started, nothing to audit but the cancel
                }
                runner = Thread.currentThread();
            }
            try {
                complete(plugin.execute(request, this::cancelRequested));
            } catch (PluginException e) {
                completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                completeExceptionally(e);
            } finally {
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // a cancel that raced the end of the execution must not outlive it
            }
        }

        private synchronized boolean cancelRequested() {
            return cancelRequested;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                synchronized (this) {
                    cancelRequested = true;
                    if (runner != null) {
                        runner.interrupt();
                    } else {
                        plugin.refused(new PluginException(ErrorCode.CANCELLED, plugin.id(),
                                "the asynchronous execution was cancelled before it started"));
                    }
                }
            }
            return cancelled;
        }
    }
}
