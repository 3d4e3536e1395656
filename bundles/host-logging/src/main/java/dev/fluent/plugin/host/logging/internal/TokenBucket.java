package dev.fluent.plugin.host.logging.internal;

/**
 * A token bucket: holds up to {@code perMinute} tokens and refills at {@code perMinute} a minute, so a
 * plugin may burst a minute's worth and then keeps to the rate. Thread-safe.
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    TokenBucket(int perMinute, long nowNanos) {
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
        this.tokens = perMinute;
        this.last = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    int perMinute() {
        return (int) capacity;
    }
}
