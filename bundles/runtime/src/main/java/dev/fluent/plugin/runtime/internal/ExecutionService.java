package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs guest code on the platform's worker threads, each execution under a deadline. At the deadline the
 * worker is interrupted (Chicory's compiled code checks interruption on every backward branch and call)
 * and the caller gets {@code TIMEOUT} at once, whether or not the guest has stopped yet.
 *
 * <p>Workers have a fixed, generous stack so the depth at which a recursing plugin is stopped does not
 * depend on whichever thread happened to call.
 */
final class ExecutionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionService.class);

    /** Stack of a worker thread. Compiled wasm frames are JVM frames. */
    static final long WORKER_STACK_BYTES = 8L * 1024 * 1024;

    private final ThreadPoolExecutor workers;

    ExecutionService(int maxWorkers) {
        AtomicInteger counter = new AtomicInteger();
        ThreadGroup group = new ThreadGroup("fluent-plugin-workers");
        workers = new ThreadPoolExecutor(0, maxWorkers, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(group, r, "fluent-plugin-worker-" + counter.incrementAndGet(), WORKER_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task} on a worker with a deadline.
     *
     * @throws PluginException the task's own, or TIMEOUT at the deadline, or BUSY when every worker is taken
     */
    <T> T run(String pluginId, long timeoutMs, Callable<T> task) throws PluginException {
        Future<T> future;
        try {
            future = workers.submit(task);
        } catch (RejectedExecutionException e) {
            throw new PluginException(ErrorCode.BUSY, pluginId, "all " + workers.getMaximumPoolSize()
                    + " platform workers are busy; retry later");
        }
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PluginException(ErrorCode.TIMEOUT, pluginId,
                    "the execution ran past max_execution_time_ms=" + timeoutMs + " and was stopped");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PluginException pe) {
                throw pe;
            }
            if (cause instanceof Error err && !(cause instanceof StackOverflowError) && !(cause instanceof OutOfMemoryError)) {
                LOG.error("Worker failed while running plugin {}", pluginId, err);
            }
            throw new PluginException(ErrorCode.INTERNAL, pluginId, "the platform failed while running the plugin: "
                    + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginException(ErrorCode.INTERNAL, pluginId, "the caller was interrupted while waiting");
        }
    }

    int activeWorkers() {
        return workers.getActiveCount();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
