package dev.fluent.plugin.runtime.internal;

import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * What host functions may know about the execution they serve. One per execution, used by one thread.
 */
final class ExecutionContext {

    /** Bytes of stdout/stderr one execution may send to the log; the rest is dropped (a flood guard). */
    static final int LOG_BUDGET_BYTES = 64 * 1024;

    private final String pluginId;
    private final String requestId;
    private final Logger pluginLog;
    private int logBudget = LOG_BUDGET_BYTES;
    // Figures of this execution, for the plugin's statistics.
    private long bytesIn;
    private long bytesOut;
    private long memoryBytes;
    private int networkRequests;
    private boolean logTruncated;
    /** The capability side of the execution (grant, host function definitions), or {@code null} at load. */
    private HostCallContext hostCalls;

    /**
     * @param pluginLog where the guest's stdout/stderr goes, or {@code null} to drop it (the plugin was
     *        not granted LoggingAccess)
     */
    ExecutionContext(String pluginId, String requestId, Logger pluginLog) {
        this.pluginId = pluginId;
        this.requestId = requestId;
        this.pluginLog = pluginLog;
    }

    String pluginId() {
        return pluginId;
    }

    String requestId() {
        return requestId;
    }

    HostCallContext hostCalls() {
        return hostCalls;
    }

    void hostCalls(HostCallContext value) {
        hostCalls = value;
    }

    /** Sends guest output to the plugin log, within the execution's budget. */
    void guestOutput(int fd, byte[] bytes) {
        if (pluginLog == null || bytes.length == 0) {
            return;
        }
        if (logBudget <= 0) {
            if (!logTruncated) {
                logTruncated = true;
                pluginLog.warn("[{}] output beyond {} bytes in one execution dropped", requestId, LOG_BUDGET_BYTES);
            }
            return;
        }
        int n = Math.min(bytes.length, logBudget);
        logBudget -= n;
        String text = new String(bytes, 0, n, StandardCharsets.UTF_8).stripTrailing();
        if (fd == 2) {
            pluginLog.warn("[{}] {}", requestId, text);
        } else {
            pluginLog.info("[{}] {}", requestId, text);
        }
    }

    void countBytes(long in, long out) {
        bytesIn += in;
        bytesOut += out;
    }

    void memoryUsed(long bytes) {
        memoryBytes = Math.max(memoryBytes, bytes);
    }

    /** Called by the network host functions for every request they make. */
    void countNetworkRequest() {
        networkRequests++;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    int networkRequests() {
        return networkRequests;
    }
}
