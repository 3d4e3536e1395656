package dev.fluent.plugin.runtime.internal.management;


/**
 * A plugin's figures over JMX, as {@code dev.fluent.plugin:type=Plugin,name=<id>}. The same figures as
 * {@code plugin:stats}.
 */
public interface PluginMBean {

    public String getPluginId();

    public String getVersion();

    public long getExecutions();

    public long getSuccesses();

    public long getFailures();

    public long getTimeouts();

    public long getMemoryLimitFailures();

    public long getTraps();

    public long getDenials();

    public long getRateLimited();

    public long getLatencyP50Micros();

    public long getLatencyP90Micros();

    public long getLatencyP99Micros();

    public long getLatencyMaxMicros();

    public long getMemoryHighWaterBytes();

    public long getNetworkRequests();

    public long getBytesIn();

    public long getBytesOut();

    /** ISO-8601, or empty if never used. */
    public String getLastUsed();

    public long getUptimeSeconds();
}
