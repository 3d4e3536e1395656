package dev.fluent.plugin.runtime.internal;

/**
 * A plugin's figures over JMX, as {@code dev.fluent.plugin:type=Plugin,name=<id>}. The same figures as
 * {@code plugin:stats}.
 */
public interface PluginStatsMBean {

    String getPluginId();

    String getVersion();

    long getExecutions();

    long getSuccesses();

    long getFailures();

    long getTimeouts();

    long getMemoryLimitFailures();

    long getTraps();

    long getDenials();

    long getRateLimited();

    long getLatencyP50Micros();

    long getLatencyP90Micros();

    long getLatencyP99Micros();

    long getLatencyMaxMicros();

    long getMemoryHighWaterBytes();

    long getNetworkRequests();

    long getBytesIn();

    long getBytesOut();

    /** ISO-8601, or empty if never used. */
    String getLastUsed();

    long getUptimeSeconds();
}
