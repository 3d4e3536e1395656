package dev.fluent.plugin.runtime.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces execution deadlines without handing the execution to another thread: the guest runs on the
 * caller's thread, and one watchdog thread interrupts it when its deadline passes. Chicory's compiled
 * code checks interruption on every backward branch and call, so a looping guest stops there.
 *
 * <p>A deadline is armed before the guest runs and disarmed right after. The state machine guarantees the
 * caller's thread is never left interrupted by a deadline that fired as the execution was ending.
 */
final class Watchdog implements AutoCloseable {

    /** How often the watchdog looks at the armed deadlines; the precision of every deadline. */
    static final long TICK_NANOS = 2_000_000;

    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    /** One armed deadline. */
    static final class Deadline {
        final Thread thread;
        final long deadlineNanos;
        final long timeoutMillis;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Deadline(Thread thread, long deadlineNanos, long timeoutMillis) {
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
            this.timeoutMillis = timeoutMillis;
        }

        long remainingNanos() {
            return deadlineNanos - System.nanoTime();
        }

        boolean fired() {
            return state.get() >= FIRING;
        }
    }

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    Watchdog() {
        thread = new Thread(this::watch, "fluent-plugin-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Arms a deadline for the current thread. */
    Deadline arm(long timeoutMillis) {
        Deadline d = new Deadline(Thread.currentThread(), System.nanoTime() + timeoutMillis * 1_000_000, timeoutMillis);
        armed.add(d);
        return d;
    }

    /**
     * Disarms a deadline of the current thread.
     *
     * @return whether it fired; the thread's interrupt flag is cleared then
     */
    boolean disarm(Deadline d) {
        armed.remove(d);
        if (d.state.compareAndSet(ARMED, DISARMED)) {
            return false;
        }
        // The watchdog is interrupting or has interrupted this thread: wait for it to finish, then
        // swallow the interrupt it caused so the caller's thread carries on clean.
        while (d.state.get() != FIRED) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        return true;
    }

    private void watch() {
        while (running) {
            long now = System.nanoTime();
            for (Deadline d : armed) {
                if (now - d.deadlineNanos >= 0 && d.state.compareAndSet(ARMED, FIRING)) {
                    armed.remove(d);
                    d.thread.interrupt();
                    d.state.set(FIRED);
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    int armedCount() {
        return armed.size();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
