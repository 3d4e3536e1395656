package dev.fluent.plugin.runtime.internal.execute;

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
 *
 * <p>Each thread arms its own {@link Deadline}, made once and watched from then on, so arming and disarming
 * write only memory of the calling thread: concurrent callers share nothing here (a shared set of armed
 * deadlines cost two callers three times what one paid). A thread that arms again while its deadline is
 * armed (an execution inside an execution) gets a one-off deadline for the inner one.
 */
public final class Watchdog implements AutoCloseable {

    /** How often the watchdog looks at the armed deadlines; the precision of every deadline. */
    public static final long TICK_NANOS = 2_000_000;

    private static final int DISARMED = 0;
    private static final int ARMED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    /** The deadline of one thread, armed and disarmed once per execution. */
    public static final class Deadline {
        final Thread thread;
        /** Made for one nested execution and forgotten after it, rather than the thread's own. */
        private final boolean oneOff;
        private final AtomicInteger state = new AtomicInteger(DISARMED);
        /**
         * Written only while disarmed, before the state becomes ARMED: that release store publishes it to the
         * watchdog, which reads the state first (an acquire) and reads this again after its compare-and-set.
         */
        private long deadlineNanos;

        private Deadline(Thread thread, boolean oneOff) {
            this.thread = thread;
            this.oneOff = oneOff;
        }

        long remainingNanos() {
            return deadlineNanos - System.nanoTime();
        }

        /** When it passes, in {@link System#nanoTime} terms. */
        long deadlineNanos() {
            return deadlineNanos;
        }
    }

    /** Every deadline the watchdog looks at: each calling thread's own, and nested one-offs while armed. */
    private final Set<Deadline> watched = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Deadline> own = ThreadLocal.withInitial(() -> watch(new Deadline(Thread.currentThread(), false)));
    private final Thread thread;
    private volatile boolean running = true;

    public Watchdog() {
        thread = new Thread(this::watch, "fluent-plugin-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Arms a deadline for the current thread. */
    public Deadline arm(long timeoutMillis) {
        return arm(timeoutMillis, System.nanoTime());
    }

    /**
     * Arms a deadline for the current thread, {@code timeoutMillis} after {@code startNanos} (a
     * {@link System#nanoTime} the caller has just read: an execution reads the clock once for its start,
     * its deadline and its duration, as each read costs tens of nanoseconds on a virtual machine).
     */
    public Deadline arm(long timeoutMillis, long startNanos) {
        Deadline d = own.get();
        if (d.state.get() != DISARMED) {
            d = watch(new Deadline(Thread.currentThread(), true));
        }
        d.deadlineNanos = startNanos + timeoutMillis * 1_000_000;
        // A release store, not a volatile one: nothing this thread does next must wait for the watchdog to see
        // it, and the fence a volatile store adds is a share of every execution's cost.
        d.state.setRelease(ARMED);
        return d;
    }

    /**
     * Disarms a deadline of the current thread.
     *
     * @return whether it fired; the thread's interrupt flag is cleared then
     */
    public boolean disarm(Deadline d) {
        boolean fired = false;
        while (!d.state.compareAndSet(ARMED, DISARMED)) {
            if (d.state.get() == FIRED) {
                // The watchdog has interrupted this thread: swallow that interrupt so the caller's thread
                // carries on clean, and make the deadline ready for the thread's next execution.
                Thread.interrupted();
                d.state.set(DISARMED);
                fired = true;
                break;
            }
            // FIRING: the watchdog is deciding or interrupting; it ends in FIRED or back in ARMED.
            Thread.onSpinWait();
        }
        if (d.oneOff) {
            watched.remove(d);
        }
        return fired;
    }

    private Deadline watch(Deadline d) {
        watched.add(d);
        return d;
    }

    private void watch() {
        while (running) {
            long now = System.nanoTime();
            for (Deadline d : watched) {
                int state = d.state.get();
                if (state == ARMED && now - d.deadlineNanos >= 0 && d.state.compareAndSet(ARMED, FIRING)) {
                    // The thread may have disarmed and armed again between the two reads above: only the
                    // deadline read now, while FIRING holds the thread off, decides.
                    if (now - d.deadlineNanos >= 0) {
                        d.thread.interrupt();
                        d.state.set(FIRED);
                    } else {
                        d.state.set(ARMED);
                    }
                } else if (state == DISARMED && !d.oneOff && !d.thread.isAlive()) {
                    watched.remove(d);
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    /** Deadlines armed now. */
    public int armedCount() {
        int n = 0;
        for (Deadline d : watched) {
            if (d.state.get() == ARMED) {
                n++;
            }
        }
        return n;
    }

    /** Deadlines the watchdog looks at: one per thread that has run a plugin and is alive, plus nested ones. */
    public int watchedCount() {
        return watched.size();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
