package dev.fluent.plugin.runtime.internal.execute;


/**
 * {@code rate_limit_requests_per_minute} of one plugin, as a token bucket: it holds a minute's worth of
 * executions and refills continuously at the rate, so a plugin may burst up to its rate and then keeps to
 * it. The rate is read per execution (the operator's policy may change it). Thread-safe.
 */
public final class RateLimiter {

    private double tokens = -1;
    private long last;

    /**
     * Takes one token.
     *
     * @param nowNanos {@link System#nanoTime} as the caller's execution started
     * @return 0 when the execution may run, else the milliseconds until a token is available
     */
    public synchronized long tryAcquire(int perMinute, long nowNanos) {
        double capacity = Math.max(1, perMinute);
        if (tokens < 0) {
            tokens = capacity;
            last = nowNanos;
        } else if (nowNanos - last > 0) {
            // Callers read the clock as their execution starts, before they come here: one that read it
            // earlier may arrive later, and must not take back refill another has already counted.
            tokens = Math.min(capacity, tokens + (nowNanos - last) * capacity / 60e9);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) * 60_000 / capacity);
    }
}
