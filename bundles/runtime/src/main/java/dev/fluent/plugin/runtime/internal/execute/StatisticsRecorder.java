package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.LatencyHistogram;
import dev.fluent.plugin.api.PluginStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The running figures of one plugin id, kept across its reloads. Recording is lock-free and allocation-free
 * on the request path: adders, a max, and HdrHistograms of latencies (microseconds, 3 significant digits).
 *
 * <p>Concurrent callers must not write the same memory on every execution: one shared histogram (or one
 * shared "last used" field) is a cache line the cores hand back and forth, and it cost two callers more
 * than everything else the registry does. So latencies go to one of a few histograms chosen per thread
 * (summed when read), and the last-use time is written only when it changed.
 */
public final class StatisticsRecorder {

    /** Latency histograms per plugin: twice the cores (a power of two), so concurrent callers rarely share one. */
    public static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

    private final String pluginId;
    private final Instant loadedAt;
    private final Clock clock;
    private final LongAdder executions = new LongAdder();
    /** Failures by code; successes are the executions less these, so an execution that answers adds to one adder. */
    private final Map<ErrorCode, LongAdder> failures = new ConcurrentHashMap<>();
    /** Made on first use, so an idle plugin holds one histogram at most. */
    private final AtomicReferenceArray<ConcurrentHistogram> latencyMicros = new AtomicReferenceArray<>(STRIPES);
    private final AtomicLong memoryHighWater = new AtomicLong();
    private final LongAdder networkRequests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /**
     * {@link System#nanoTime} at the end of the last execution, written when it moves to another millisecond
     * (roughly: 2^20 ns): the time of day is worked out from it when asked, so an execution reads no clock for it.
     */
    private volatile long lastUsedNanos;
    private volatile boolean used;

    public StatisticsRecorder(String pluginId, Clock clock) {
        this.pluginId = pluginId;
        this.clock = clock;
        this.loadedAt = clock.instant();
    }

    /**
     * @param endedNanos {@link System#nanoTime} when the execution ended
     * @param failure the error the execution ended with, or {@code null} when it answered
     */
    public void record(long durationNanos, long endedNanos, ErrorCode failure, Execution ctx) {
        if (failure != null) {
            // Counted before the execution, so that a reader never sees more failures than executions.
            failures.computeIfAbsent(failure, c -> new LongAdder()).increment();
        }
        executions.increment();
        latencyStripe().recordValue(Math.max(0, durationNanos / 1000));
        if (ctx != null) {
            long memory = ctx.memoryBytes();
            if (memory > memoryHighWater.get()) { // read first: no shared write when nothing changes
                memoryHighWater.accumulateAndGet(memory, Math::max);
            }
            addIfAny(networkRequests, ctx.networkRequests());
            addIfAny(bytesIn, ctx.bytesIn());
            addIfAny(bytesOut, ctx.bytesOut());
        }
        if ((endedNanos ^ lastUsedNanos) >>> 20 != 0 || !used) { // read first: no shared write within a millisecond
            lastUsedNanos = endedNanos;
            used = true;
        }
    }

    private static void addIfAny(LongAdder adder, long n) {
        if (n != 0) {
            adder.add(n);
        }
    }

    private ConcurrentHistogram latencyStripe() {
        int i = ThreadStripe.index() & (STRIPES - 1);
        ConcurrentHistogram h = latencyMicros.get(i);
        if (h == null) {
            h = new ConcurrentHistogram(3);
            if (!latencyMicros.compareAndSet(i, null, h)) {
                h = latencyMicros.get(i);
            }
        }
        return h;
    }

    /** All stripes added up. */
    private Histogram latencies() {
        Histogram sum = new Histogram(3);
        for (int i = 0; i < STRIPES; i++) {
            ConcurrentHistogram h = latencyMicros.get(i);
            if (h != null) {
                sum.add(h);
            }
        }
        return sum;
    }

    /** Executions so far, of every version of the plugin (a reload keeps its recorder). */
    public long executions() {
        return executions.sum();
    }

    /** Executions that failed, of every version. */
    public long failures() {
        long n = 0;
        for (LongAdder byCode : failures.values()) {
            n += byCode.sum();
        }
        return n;
    }

    public PluginStats snapshot() {
        Map<ErrorCode, Long> byCode = new EnumMap<>(ErrorCode.class);
        failures.forEach((code, n) -> byCode.put(code, n.sum()));
        Instant now = clock.instant();
        Instant last = used ? now.minusNanos(Math.max(0, System.nanoTime() - lastUsedNanos)) : null;
        Histogram latency = latencies();
        long failed = byCode.values().stream().mapToLong(Long::longValue).sum();
        long all = Math.max(executions.sum(), failed);
        return new PluginStats(pluginId, all, all - failed, byCode,
                latency.getValueAtPercentile(50), latency.getValueAtPercentile(90),
                latency.getValueAtPercentile(99), latency.getMaxValue(), memoryHighWater.get(),
                networkRequests.sum(), bytesIn.sum(), bytesOut.sum(), last,
                loadedAt, Duration.between(loadedAt, now), counts(latency));
    }

    /** The histogram's recorded buckets, each at its highest equivalent value (what its percentiles report). */
    private static LatencyHistogram counts(Histogram latency) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        latency.recordedValues().forEach(v -> counts.merge(v.getValueIteratedTo(), v.getCountAtValueIteratedTo(),
                Long::sum));
        return new LatencyHistogram(counts);
    }

    private static int stripes(int processors) {
        return Integer.highestOneBit(Math.max(1, Math.min(processors, 16)) * 4 - 1);
    }
}
