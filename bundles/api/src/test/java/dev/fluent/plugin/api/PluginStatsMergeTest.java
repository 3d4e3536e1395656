package dev.fluent.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PluginStatsMergeTest {

    private static LatencyHistogram histogram(long... valueCountPairs) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (int i = 0; i < valueCountPairs.length; i += 2) {
            counts.put(valueCountPairs[i], valueCountPairs[i + 1]);
        }
        return new LatencyHistogram(counts);
    }

    private static PluginStats node(LatencyHistogram h, long failed, Instant loaded, Instant used) {
        long n = h.total();
        return new PluginStats("echo", n, n - failed, failed == 0 ? Map.of() : Map.of(ErrorCode.RATE_LIMITED, failed),
                h.percentile(50), h.percentile(90), h.percentile(99), h.max(), 1000 * n, n, 10 * n, 20 * n, used,
                loaded, Duration.ofSeconds(n), h);
    }

    @Test
    void readsPercentilesFromTheSummedHistogramNotFromAveragedPercentiles() {
        // A fast node (90 executions at 100 µs) and a slow one (10 at 10,000 µs): averaging their p50s would say
        // 5,050 µs; over all 100 executions the median is 100 µs and the p99 10,000 µs.
        PluginStats fast = node(histogram(100, 90), 0, Instant.parse("2026-01-01T00:00:00Z"), null);
        PluginStats slow = node(histogram(10_000, 10), 2, Instant.parse("2025-12-31T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z"));
        PluginStats all = PluginStats.merge(List.of(fast, slow));
        assertEquals(100, all.executions());
        assertEquals(98, all.successes());
        assertEquals(2, all.failuresOf(ErrorCode.RATE_LIMITED));
        assertEquals(100, all.latencyP50Micros());
        assertEquals(100, all.latencyP90Micros());
        assertEquals(10_000, all.latencyP99Micros());
        assertEquals(10_000, all.latencyMaxMicros());
        assertEquals(90_000, all.memoryHighWaterBytes(), "the largest high-water, not a sum");
        assertEquals(1000, all.bytesIn());
        assertEquals(Instant.parse("2025-12-31T00:00:00Z"), all.loadedAt());
        assertEquals(Instant.parse("2026-01-02T00:00:00Z"), all.lastUsed());
        assertEquals(Duration.ofSeconds(90), all.uptime());
    }

    @Test
    void readsPercentilesAsHdrHistogramDoes() {
        LatencyHistogram h = histogram(1, 1, 2, 1, 3, 1, 4, 1);
        assertEquals(2, h.percentile(50));
        assertEquals(3, h.percentile(50.1));
        assertEquals(1, h.percentile(0));
        assertEquals(4, h.percentile(100));
        assertEquals(0, LatencyHistogram.EMPTY.percentile(99));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(101));
    }

    @Test
    void refusesToMergeDifferentPluginsOrNothing() {
        PluginStats echo = node(histogram(5, 1), 0, Instant.EPOCH, null);
        PluginStats other = new PluginStats("other", 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, Instant.EPOCH,
                Duration.ZERO);
        assertThrows(IllegalArgumentException.class, () -> PluginStats.merge(List.of(echo, other)));
        assertThrows(IllegalArgumentException.class, () -> PluginStats.merge(List.of()));
        assertEquals(LatencyHistogram.EMPTY, other.latencies());
    }
}
