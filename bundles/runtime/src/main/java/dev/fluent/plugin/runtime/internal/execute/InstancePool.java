package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The instances of one plugin: at most {@code maxInstances}, each used by one execution at a time. An
 * instance comes back reset to its just-instantiated state, or is discarded when its execution failed in
 * a way that may have left it broken (trap, timeout, limit) or it cannot be reset. When all are busy a
 * caller waits a bounded time, then gets {@code BUSY}.
 *
 * <p>Borrowing and returning take no lock: idle instances sit in slots that callers claim with a
 * compare-and-set, each thread starting at its own slot ({@link ThreadStripe}), so concurrent callers do
 * not contend and a thread tends to get back the instance it used last, whose memory its core still
 * caches. The lock is only for callers that must wait.
 */
public final class InstancePool {

    /** Longest a caller waits for a free instance, unless its own deadline comes first. */
    public static final long MAX_WAIT_MILLIS = 1_000;
    /** Elements between two slots: 64 bytes apart even with 4-byte references. */
    private static final int SPREAD = 16;

    private final String pluginId;
    private final int maxInstances;
    /**
     * Slot {@code i} is element {@code i * SPREAD}: one cache line per slot, so two threads taking and
     * returning instances in their own slots do not invalidate each other's line.
     */
    private final AtomicReferenceArray<PluginInstance> idle;
    /** Instances made or being made, idle or busy: never more than {@code maxInstances}. */
    private final AtomicInteger live = new AtomicInteger();
    /** Callers waiting on {@link #available}; whoever frees a slot signals only when there are any. */
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private volatile boolean closed;

    public InstancePool(String pluginId, int maxInstances) {
        this.pluginId = pluginId;
        this.maxInstances = maxInstances;
        this.idle = new AtomicReferenceArray<>(maxInstances * SPREAD);
    }

    /** Adds an instance made elsewhere (the one that proved the module at load). */
    public void offer(PluginInstance instance) {
        if (!closed && reserve()) {
            returnIdle(instance);
        }
    }

    /**
     * Takes an idle instance, or reserves the right to create one ({@code null}: the caller creates it and
     * must {@link #release} or {@link #discard} the slot).
     */
    public PluginInstance borrow(long remainingNanos) throws PluginException, InterruptedException {
        return borrowBefore(System.nanoTime() + remainingNanos);
    }

    /**
     * {@link #borrow}, the caller's deadline given as a {@link System#nanoTime} instant: the clock is read only
     * when there is neither an idle instance nor room for a new one, so the usual borrow reads none.
     */
    public PluginInstance borrowBefore(long deadlineNanos) throws PluginException, InterruptedException {
        long waitUntil = 0;
        boolean waited = false;
        while (true) {
            if (closed) {
                throw unloaded();
            }
            PluginInstance instance = takeIdle();
            if (instance != null) {
                return instance;
            }
            if (reserve()) {
                return null;
            }
            long now = System.nanoTime();
            if (!waited) {
                waitUntil = now + Math.min(deadlineNanos - now, TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS));
                waited = true;
            }
            long left = waitUntil - now;
            if (left <= 0) {
                throw new PluginException(ErrorCode.BUSY, pluginId, "plugin " + pluginId + " is already running "
                        + maxInstances + " executions; retry later or raise its pool size");
            }
            await(left);
        }
    }

    private PluginException unloaded() {
        return new PluginException(ErrorCode.UNLOADED, pluginId, "plugin " + pluginId + " was unloaded");
    }

    /** Returns a healthy instance, reset, for the next execution; discards it if it cannot be reset. */
    public void release(PluginInstance instance) {
        if (instance.reset() && !closed) {
            returnIdle(instance);
        } else {
            discard();
        }
    }

    /** Gives up a slot: its instance (if any) failed or was never created. */
    public void discard() {
        live.decrementAndGet();
        signalWaiters();
    }

    /** Drops the idle instances; executions in flight finish and their instances are dropped too. */
    public void close() {
        closed = true;
        drain();
        lock.lock();
        try {
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the instances idle since the last trim, keeping at least {@code keep} idle ones: called every idle
     * period, it drops an instance after one to two periods without use. An instance is marked here and
     * unmarked when an execution returns it, so the path of an execution reads no clock for this.
     *
     * @return how many instances were dropped
     */
    public int trimIdle(int keep) {
        int idleNow = idleCount();
        int dropped = 0;
        for (int i = 0; i < maxInstances; i++) {
            PluginInstance instance = idle.get(i * SPREAD);
            if (instance == null) {
                continue;
            }
            if (!instance.idleMarked) {
                instance.idleMarked = true;
            } else if (idleNow - dropped > keep && idle.compareAndSet(i * SPREAD, instance, null)) {
                dropped++;
                discard();
            }
        }
        return dropped;
    }

    public int idleCount() {
        return idleInstances().size();
    }

    /** The idle instances now (for accounting and tests; they may be taken the moment after). */
    public java.util.List<PluginInstance> idleInstances() {
        java.util.List<PluginInstance> all = new java.util.ArrayList<>();
        for (int i = 0; i < maxInstances; i++) {
            PluginInstance instance = idle.get(i * SPREAD);
            if (instance != null) {
                all.add(instance);
            }
        }
        return all;
    }

    public int maxInstances() {
        return maxInstances;
    }

    /** Claims a slot for a new instance, if fewer than the maximum are live. */
    private boolean reserve() {
        while (true) {
            int n = live.get();
            if (n >= maxInstances) {
                return false;
            }
            if (live.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private PluginInstance takeIdle() {
        int start = ThreadStripe.index();
        for (int k = 0; k < maxInstances; k++) {
            int i = (start + k) % maxInstances * SPREAD;
            PluginInstance instance = idle.get(i);
            if (instance != null && idle.compareAndSet(i, instance, null)) {
                return instance;
            }
        }
        return null;
    }

    /** Puts a live instance among the idle ones; there is always a free slot, as it counts among the live. */
    private void returnIdle(PluginInstance instance) {
        // Published to trimIdle by the compare-and-set below.
        instance.idleMarked = false;
        int start = ThreadStripe.index();
        for (int k = 0; ; k++) {
            int i = (start + k) % maxInstances * SPREAD;
            if (idle.get(i) == null && idle.compareAndSet(i, null, instance)) {
                break;
            }
        }
        // A close that ran meanwhile may have missed it: drop it then, as close would have.
        if (closed) {
            drain();
        }
        signalWaiters();
    }

    private void drain() {
        for (int i = 0; i < maxInstances; i++) {
            if (idle.getAndSet(i * SPREAD, null) != null) {
                live.decrementAndGet();
            }
        }
    }

    private void signalWaiters() {
        if (waiters.get() > 0) {
            lock.lock();
            try {
                available.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until an instance or a slot may be free. A caller counts itself among the waiters, then looks
     * once more before it sleeps: whoever frees something after that sees the count and signals.
     */
    private void await(long nanos) throws InterruptedException {
        lock.lock();
        waiters.incrementAndGet();
        try {
            if (closed || hasIdle() || live.get() < maxInstances) {
                return;
            }
            available.awaitNanos(nanos);
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }

    private boolean hasIdle() {
        for (int i = 0; i < maxInstances; i++) {
            if (idle.get(i * SPREAD) != null) {
                return true;
            }
        }
        return false;
    }
}
