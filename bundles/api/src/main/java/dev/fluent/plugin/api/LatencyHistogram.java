package dev.fluent.plugin.api;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The durations of a plugin's executions, as counts per value (microseconds, each value the top of its bucket at
 * the recorder's precision of three significant digits). Histograms of several nodes {@linkplain #merge merge} by
 * adding counts, so percentiles over a whole cluster are read from the merged histogram, never averaged.
 *
 * @param counts executions per latency value in microseconds, ascending
 * @since 1.4
 */
public record LatencyHistogram(SortedMap<Long, Long> counts) {

    /** No execution recorded. */
    public static final LatencyHistogram EMPTY = new LatencyHistogram(new TreeMap<>());

    public LatencyHistogram {
        TreeMap<Long, Long> copy = new TreeMap<>();
        counts.forEach((value, n) -> {
            if (value < 0 || n < 0) {
                throw new IllegalArgumentException("latency " + value + " µs counted " + n + " times: both must be >= 0");
            }
            if (n > 0) {
                copy.merge(value, n, Long::sum);
            }
        });
        counts = Collections.unmodifiableSortedMap(copy);
    }

    /** Executions counted. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The value at or under which {@code percentile} % of the executions fall (as HdrHistogram reads it), or 0 when
     * none was recorded.
     */
    public long percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be within 0 to 100, was " + percentile);
        }
        long total = total();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
        long seen = 0;
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        return counts.lastKey();
    }

    /** The longest, or 0. */
    public long max() {
        return counts.isEmpty() ? 0 : counts.lastKey();
    }

    /** Both histograms' counts added up. */
    public LatencyHistogram merge(LatencyHistogram other) {
        TreeMap<Long, Long> sum = new TreeMap<>(counts);
        other.counts.forEach((value, n) -> sum.merge(value, n, Long::sum));
        return new LatencyHistogram(sum);
    }
}
