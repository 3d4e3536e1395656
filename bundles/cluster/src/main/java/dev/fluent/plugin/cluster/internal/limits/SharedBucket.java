package dev.fluent.plugin.cluster.internal.limits;

import java.util.Locale;

/**
 * A token bucket as one plugin's cluster-wide budget is kept in the cluster's map: text ({@code tokens;millis}),
 * so no class of this bundle travels between members. It holds a minute's worth of executions and refills
 * continuously at the rate, as each node's own bucket does when the cluster is off. The same arithmetic serves a
 * node's local share when it cannot reach the others.
 *
 * @param tokens executions available now (fractional while refilling)
 * @param lastMillis when it was last refilled, in milliseconds since the epoch
 */
record SharedBucket(double tokens, long lastMillis) {

    /** A bucket seen for the first time: full. */
    static SharedBucket full(double perMinute, long nowMillis) {
        return new SharedBucket(Math.max(1, perMinute), nowMillis);
    }

    /**
     * The bucket as another member wrote it; text that does not read (a broken or hostile member) counts as an
     * empty bucket from now, which refuses rather than admits.
     */
    static SharedBucket parse(String text, long nowMillis) {
        int semicolon = text.indexOf(';');
        try {
            double tokens = Double.parseDouble(text.substring(0, semicolon));
            long last = Long.parseLong(text.substring(semicolon + 1));
            if (Double.isFinite(tokens) && tokens >= 0) {
                return new SharedBucket(tokens, last);
            }
        } catch (RuntimeException unreadable) {
            // falls through to the empty bucket
        }
        return new SharedBucket(0, nowMillis);
    }

    String text() {
        return String.format(Locale.ROOT, "%.4f;%d", tokens, lastMillis);
    }

    /**
     * Refilled up to {@code nowMillis} at {@code perMinute}. Time never runs backwards for a bucket: a member whose
     * clock is behind the last writer's adds nothing until its clock passes that point.
     */
    SharedBucket refill(double perMinute, long nowMillis) {
        double capacity = Math.max(1, perMinute);
        long elapsed = Math.max(0, nowMillis - lastMillis);
        return new SharedBucket(Math.min(capacity, tokens + elapsed * capacity / 60_000), Math.max(lastMillis, nowMillis));
    }

    /** Whole tokens that can be taken now, at most {@code want}. */
    int available(int want) {
        return (int) Math.min(want, Math.floor(tokens));
    }

    /** With {@code n} unspent tokens of a lapsed lease back, never above a minute's worth. */
    SharedBucket giveBack(int n, double perMinute) {
        return n <= 0 ? this : new SharedBucket(Math.min(Math.max(1, perMinute), tokens + n), lastMillis);
    }

    SharedBucket take(int n) {
        return new SharedBucket(tokens - n, lastMillis);
    }

    /** Milliseconds until {@code n} whole tokens are there (at least 1 ms when not now). */
    long millisUntil(int n, double perMinute) {
        double capacity = Math.max(1, perMinute);
        double missing = Math.min(n, capacity) - tokens;
        return missing <= 0 ? 0 : Math.max(1, (long) Math.ceil(missing * 60_000 / capacity));
    }
}
