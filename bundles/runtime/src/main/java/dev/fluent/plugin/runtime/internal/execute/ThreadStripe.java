package dev.fluent.plugin.runtime.internal.execute;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small number per thread, handed out in turn, for picking one of several copies of a contended
 * structure (a statistics stripe, a pool slot): two threads that call at the same time start on different
 * copies, where a hash of the thread id could put them on the same one.
 */
public final class ThreadStripe {

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<int[]> INDEX = ThreadLocal.withInitial(() -> new int[] {NEXT.getAndIncrement()});

    private ThreadStripe() {
    }

    /** This thread's number: non-negative, fixed for the thread's life. */
    public static int index() {
        return INDEX.get()[0] & Integer.MAX_VALUE;
    }
}
