package dev.fluent.plugin.api;

import java.time.Duration;
import java.time.Instant;
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
        Duration uptime) {

    public PluginStats {
        failures = Map.copyOf(failures);
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
