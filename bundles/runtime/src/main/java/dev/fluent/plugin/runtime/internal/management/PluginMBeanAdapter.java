package dev.fluent.plugin.runtime.internal.management;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import java.util.function.Supplier;

/** The JMX view of one plugin's statistics; every read takes a fresh snapshot. */
public final class PluginMBeanAdapter implements PluginMBean {

    private final Supplier<PluginStats> stats;
    private final Supplier<String> version;

    public PluginMBeanAdapter(Supplier<PluginStats> stats, Supplier<String> version) {
        this.stats = stats;
        this.version = version;
    }

    @Override
    public String getPluginId() {
        return stats.get().pluginId();
    }

    @Override
    public String getVersion() {
        return version.get();
    }

    @Override
    public long getExecutions() {
        return stats.get().executions();
    }

    @Override
    public long getSuccesses() {
        return stats.get().successes();
    }

    @Override
    public long getFailures() {
        return stats.get().failureCount();
    }

    @Override
    public long getTimeouts() {
        return stats.get().failuresOf(ErrorCode.TIMEOUT);
    }

    @Override
    public long getMemoryLimitFailures() {
        return stats.get().failuresOf(ErrorCode.MEMORY_LIMIT);
    }

    @Override
    public long getTraps() {
        return stats.get().failuresOf(ErrorCode.TRAP, ErrorCode.STACK_EXHAUSTED, ErrorCode.BAD_RESPONSE,
                ErrorCode.BAD_HOST_CALL);
    }

    @Override
    public long getDenials() {
        return stats.get().failuresOf(ErrorCode.ACCESS_DENIED, ErrorCode.CAPABILITY_NOT_GRANTED,
                ErrorCode.CAPABILITY_UNAVAILABLE, ErrorCode.LIMIT_EXCEEDED);
    }

    @Override
    public long getRateLimited() {
        return stats.get().failuresOf(ErrorCode.RATE_LIMITED, ErrorCode.BUSY);
    }

    @Override
    public long getLatencyP50Micros() {
        return stats.get().latencyP50Micros();
    }

    @Override
    public long getLatencyP90Micros() {
        return stats.get().latencyP90Micros();
    }

    @Override
    public long getLatencyP99Micros() {
        return stats.get().latencyP99Micros();
    }

    @Override
    public long getLatencyMaxMicros() {
        return stats.get().latencyMaxMicros();
    }

    @Override
    public long getMemoryHighWaterBytes() {
        return stats.get().memoryHighWaterBytes();
    }

    @Override
    public long getNetworkRequests() {
        return stats.get().networkRequests();
    }

    @Override
    public long getBytesIn() {
        return stats.get().bytesIn();
    }

    @Override
    public long getBytesOut() {
        return stats.get().bytesOut();
    }

    @Override
    public String getLastUsed() {
        var last = stats.get().lastUsed();
        return last == null ? "" : last.toString();
    }

    @Override
    public long getUptimeSeconds() {
        return stats.get().uptime().toSeconds();
    }
}
