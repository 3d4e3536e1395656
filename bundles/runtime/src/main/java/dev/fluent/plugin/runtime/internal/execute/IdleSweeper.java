package dev.fluent.plugin.runtime.internal.execute;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shrinks the pools of plugins that are not being used: every idle period, each pool drops the instances that
 * stayed idle since the last sweep, down to {@link #KEEP_IDLE}, so a burst of concurrent requests does not keep
 * up to a pool's worth of instances (and their memory) for good. One daemon thread, running only while some
 * pool is watched.
 */
public final class IdleSweeper implements AutoCloseable {

    /** Idle instances every pool keeps, so the next request does not pay for an instantiation. */
    public static final int KEEP_IDLE = 1;
    public static final long DEFAULT_IDLE_SECONDS = 60;

    private final Set<InstancePool> pools = ConcurrentHashMap.newKeySet();
    private volatile long idleMillis = DEFAULT_IDLE_SECONDS * 1000;
    /** The sweeping thread, while some pool is watched. Guarded by {@code this}. */
    private Thread thread;
    private boolean closed;

    /** @param seconds how long an instance may stay idle (one to two such periods) before it is dropped */
    public void idleSeconds(long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("pool_idle_seconds must be at least 1, not " + seconds);
        }
        long before = idleMillis;
        idleMillis = seconds * 1000;
        synchronized (this) {
            if (thread != null && before != idleMillis) {
                thread.interrupt(); // it sleeps the new period from now on
                start();
            }
        }
    }

    public synchronized void watch(InstancePool pool) {
        if (closed) {
            return;
        }
        pools.add(pool);
        if (thread == null) {
            start();
        }
    }

    public synchronized void forget(InstancePool pool) {
        pools.remove(pool);
        if (pools.isEmpty() && thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    /** One sweep over every watched pool. */
    public int sweep() {
        int dropped = 0;
        for (InstancePool pool : pools) {
            dropped += pool.trimIdle(KEEP_IDLE);
        }
        return dropped;
    }

    @Override
    public synchronized void close() {
        closed = true;
        pools.clear();
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    private void start() {
        Thread t = new Thread(this::run, "fluent-plugin-idle-sweeper");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(idleMillis);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (thread != Thread.currentThread()) {
                    return;
                }
            }
            sweep();
        }
    }
}
