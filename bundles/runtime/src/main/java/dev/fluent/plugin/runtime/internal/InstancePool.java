package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The instances of one plugin: at most {@code maxInstances}, each used by one execution at a time. An
 * instance comes back reset to its just-instantiated state, or is discarded when its execution failed in
 * a way that may have left it broken (trap, timeout, limit) or it cannot be reset. When all are busy a
 * caller waits a bounded time, then gets {@code BUSY}.
 */
final class InstancePool {

    /** Longest a caller waits for a free instance, unless its own deadline comes first. */
    static final long MAX_WAIT_MILLIS = 1_000;

    private final String pluginId;
    private final int maxInstances;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<PluginInstance> idle = new ArrayDeque<>();
    private int live;
    private boolean closed;

    InstancePool(String pluginId, int maxInstances) {
        this.pluginId = pluginId;
        this.maxInstances = maxInstances;
    }

    /** Adds an instance made elsewhere (the one that proved the module at load). */
    void offer(PluginInstance instance) {
        lock.lock();
        try {
            if (!closed && live < maxInstances) {
                live++;
                idle.push(instance);
                available.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an idle instance, or reserves the right to create one ({@code null}: the caller creates it and
     * must {@link #release} or {@link #discard} the slot).
     */
    PluginInstance borrow(long remainingNanos) throws PluginException, InterruptedException {
        long waitNanos = Math.min(remainingNanos, TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS));
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new PluginException(ErrorCode.UNLOADED, pluginId, "plugin " + pluginId + " was unloaded");
                }
                PluginInstance instance = idle.poll();
                if (instance != null) {
                    return instance;
                }
                if (live < maxInstances) {
                    live++;
                    return null;
                }
                if (waitNanos <= 0) {
                    throw new PluginException(ErrorCode.BUSY, pluginId, "plugin " + pluginId + " is already running "
                            + maxInstances + " executions; retry later or raise its pool size");
                }
                waitNanos = available.awaitNanos(waitNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns a healthy instance, reset, for the next execution; discards it if it cannot be reset. */
    void release(PluginInstance instance) {
        boolean clean = instance.reset();
        lock.lock();
        try {
            if (clean && !closed) {
                idle.push(instance);
            } else {
                live--;
            }
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives up a slot: its instance (if any) failed or was never created. */
    void discard() {
        lock.lock();
        try {
            live--;
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the idle instances; executions in flight finish and their instances are dropped too. */
    void close() {
        lock.lock();
        try {
            closed = true;
            live -= idle.size();
            idle.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    int maxInstances() {
        return maxInstances;
    }
}
