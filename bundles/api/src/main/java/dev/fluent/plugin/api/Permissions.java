package dev.fluent.plugin.api;

import java.util.List;

/**
 * The resource limits a manifest asks for. A field the manifest leaves out takes the conservative
 * default in {@link #DEFAULTS}.
 *
 * @param maxMemoryMb cap on the plugin's linear memory, in MiB
 * @param maxExecutionTimeMs deadline of one execution
 * @param maxNetworkRequests network requests allowed in one execution
 * @param allowedHosts hosts the plugin may reach (see the design's host syntax)
 * @param allowedFilePaths paths the plugin may read or write
 * @param maxFileSizeMb largest file the plugin may read or write, in MiB
 * @param rateLimitRequestsPerMinute executions allowed per minute
 */
public record Permissions(
        int maxMemoryMb,
        long maxExecutionTimeMs,
        int maxNetworkRequests,
        List<String> allowedHosts,
        List<String> allowedFilePaths,
        int maxFileSizeMb,
        int rateLimitRequestsPerMinute) {

    public static final Permissions DEFAULTS = new Permissions(64, 30_000, 100, List.of(), List.of(), 10, 60);

    public Permissions {
        allowedHosts = List.copyOf(allowedHosts);
        allowedFilePaths = List.copyOf(allowedFilePaths);
    }
}
