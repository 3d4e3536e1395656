package dev.fluent.plugin.api;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a plugin has done since it was first loaded (figures carry over its reloads).
 *
 * @param pluginId the plugin
 * @param executions executions attempted
 * @param successes executions that answered
 * @param failures failed executions by error code (TIMEOUT, MEMORY_LIMIT, TRAP, RATE_LIMITED …)
 * @param latencyP50Micros median duration of an execution, in microseconds
 * @param latencyP90Micros 90th percentile
 * @param latencyP99Micros 99th percentile
 * @param latencyMaxMicros the longest
 * @param memoryHighWaterBytes the largest linear memory an execution used
 * @param networkRequests network requests made through NetworkAccess
 * @param bytesIn request bytes handed to the plugin
 * @param bytesOut response bytes it returned
 * @param lastUsed when it last ran, or {@code null} if never
 * @param loadedAt when it was first loaded
 * @param uptime how long it has been loaded
 * @param latencies the histogram the latency percentiles are read from (since 1.4), so figures of several nodes
 *        {@linkplain #merge merge} exactly
 */
public record PluginStats(
        String pluginId,
        long executions,
        long successes,
        Map<ErrorCode, Long> failures,
        long latencyP50Micros,
        long latencyP90Micros,
        long latencyP99Micros,
        long latencyMaxMicros,
        long memoryHighWaterBytes,
        long networkRequests,
        long bytesIn,
        long bytesOut,
        Instant lastUsed,
        Instant loadedAt,
        Duration uptime,
        LatencyHistogram latencies) {

    public PluginStats {
        failures = Map.copyOf(failures);
        latencies = latencies == null ? LatencyHistogram.EMPTY : latencies;
    }

    /** Figures read without their histogram (as before 1.4): {@link #latencies()} is then empty. */
    public PluginStats(String pluginId, long executions, long successes, Map<ErrorCode, Long> failures,
            long latencyP50Micros, long latencyP90Micros, long latencyP99Micros, long latencyMaxMicros,
            long memoryHighWaterBytes, long networkRequests, long bytesIn, long bytesOut, Instant lastUsed,
            Instant loadedAt, Duration uptime) {
        this(pluginId, executions, successes, failures, latencyP50Micros, latencyP90Micros, latencyP99Micros,
                latencyMaxMicros, memoryHighWaterBytes, networkRequests, bytesIn, bytesOut, lastUsed, loadedAt,
                uptime, LatencyHistogram.EMPTY);
    }

    /**
     * One plugin's figures over several nodes: counts added, percentiles read from the sum of the histograms (never
     * averaged), the memory high-water the largest, last use the latest, first load the earliest, uptime the
     * longest.
     *
     * @param parts the same plugin's figures from each node, at least one
     * @since 1.4
     */
    public static PluginStats merge(List<PluginStats> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no node reported figures");
        }
        String id = parts.get(0).pluginId();
        long executions = 0, successes = 0, memory = 0, network = 0, in = 0, out = 0;
        Map<ErrorCode, Long> failures = new EnumMap<>(ErrorCode.class);
        LatencyHistogram latencies = LatencyHistogram.EMPTY;
        Instant lastUsed = null;
        Instant loadedAt = null;
        Duration uptime = Duration.ZERO;
        for (PluginStats s : parts) {
            if (!s.pluginId().equals(id)) {
                throw new IllegalArgumentException("cannot merge figures of " + s.pluginId() + " into " + id);
            }
            executions += s.executions();
            successes += s.successes();
            s.failures().forEach((code, n) -> failures.merge(code, n, Long::sum));
            latencies = latencies.merge(s.latencies());
            memory = Math.max(memory, s.memoryHighWaterBytes());
            network += s.networkRequests();
            in += s.bytesIn();
            out += s.bytesOut();
            lastUsed = s.lastUsed() == null || (lastUsed != null && lastUsed.isAfter(s.lastUsed())) ? lastUsed : s.lastUsed();
            loadedAt = loadedAt == null || s.loadedAt().isBefore(loadedAt) ? s.loadedAt() : loadedAt;
            uptime = s.uptime().compareTo(uptime) > 0 ? s.uptime() : uptime;
        }
        return new PluginStats(id, executions, successes, failures, latencies.percentile(50),
                latencies.percentile(90), latencies.percentile(99), latencies.max(), memory, network, in, out,
                lastUsed, loadedAt, uptime, latencies);
    }

    /** All failed executions. */
    public long failureCount() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Failed executions with one of these codes. */
    public long failuresOf(ErrorCode... codes) {
        long n = 0;
        for (ErrorCode code : codes) {
            n += failures.getOrDefault(code, 0L);
        }
        return n;
    }
}
