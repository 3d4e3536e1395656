package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The running figures of one plugin id, kept across its reloads. Recording is lock-free and allocation-free
 * on the request path: adders, a max, and an HdrHistogram of latencies (microseconds, 3 significant digits).
 */
final class PluginStatistics {

    private final String pluginId;
    private final Instant loadedAt;
    private final Clock clock;
    private final LongAdder executions = new LongAdder();
    private final LongAdder successes = new LongAdder();
    private final Map<ErrorCode, LongAdder> failures = new ConcurrentHashMap<>();
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3);
    private final AtomicLong memoryHighWater = new AtomicLong();
    private final LongAdder networkRequests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private volatile long lastUsedMillis;

    PluginStatistics(String pluginId, Clock clock) {
        this.pluginId = pluginId;
        this.clock = clock;
        this.loadedAt = clock.instant();
    }

    /**
     * @param failure the error the execution ended with, or {@code null} when it answered
     */
    void record(long durationNanos, ErrorCode failure, ExecutionContext ctx) {
        executions.increment();
        if (failure == null) {
            successes.increment();
        } else {
            failures.computeIfAbsent(failure, c -> new LongAdder()).increment();
        }
        latencyMicros.recordValue(Math.max(0, durationNanos / 1000));
        if (ctx != null) {
            long memory = ctx.memoryBytes();
            if (memory > memoryHighWater.get()) { // read first: no shared write when nothing changes
                memoryHighWater.accumulateAndGet(memory, Math::max);
            }
            networkRequests.add(ctx.networkRequests());
            bytesIn.add(ctx.bytesIn());
            bytesOut.add(ctx.bytesOut());
        }
        lastUsedMillis = clock.millis();
    }

    PluginStats snapshot() {
        Map<ErrorCode, Long> byCode = new EnumMap<>(ErrorCode.class);
        failures.forEach((code, n) -> byCode.put(code, n.sum()));
        long last = lastUsedMillis;
        Instant now = clock.instant();
        return new PluginStats(pluginId, executions.sum(), successes.sum(), byCode,
                latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(90),
                latencyMicros.getValueAtPercentile(99), latencyMicros.getMaxValue(), memoryHighWater.get(),
                networkRequests.sum(), bytesIn.sum(), bytesOut.sum(), last == 0 ? null : Instant.ofEpochMilli(last),
                loadedAt, Duration.between(loadedAt, now));
    }
}
