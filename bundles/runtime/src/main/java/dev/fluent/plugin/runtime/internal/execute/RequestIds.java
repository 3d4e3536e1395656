package dev.fluent.plugin.runtime.internal.execute;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Execution ids, unique within this run of the platform: a prefix that differs between runs, then a
 * number. Each thread takes numbers from a block of its own, so concurrent callers touch the shared
 * counter once per {@link #BLOCK} executions instead of on every one.
 */
public final class RequestIds {

    public static final int BLOCK = 1024;

    private static final String PREFIX = Long.toString(System.currentTimeMillis() % 1_000_000, 36) + "-";
    private static final AtomicLong BLOCKS = new AtomicLong();
    /** This thread's next number and the end of its block. */
    private static final ThreadLocal<long[]> RANGE = ThreadLocal.withInitial(() -> new long[2]);

    private RequestIds() {
    }

    public static String next() {
        long[] range = RANGE.get();
        if (range[0] == range[1]) {
            range[0] = BLOCKS.getAndIncrement() * BLOCK + 1;
            range[1] = range[0] + BLOCK;
        }
        return PREFIX + Long.toString(range[0]++, 36);
    }
}
