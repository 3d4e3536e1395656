package dev.fluent.plugin.audit.internal.write;

import java.nio.file.Path;

/**
 * The audit writer's settings, checked.
 *
 * @param directory folder of the log files
 * @param maxFileBytes a file is rotated before it would grow past this size
 * @param flushIntervalMillis how often written entries are forced to disk
 * @param queueCapacity entries that may wait for the writer
 * @param backpressure what a full queue does to the caller
 * @param blockTimeoutMillis with {@link Backpressure#BLOCK}: the longest a caller waits
 * @param postEvents whether entries go to EventAdmin
 * @param volumeCapPerMinute successful routine entries written per plugin per minute; {@code 0}: no cap and no
 *        deduplication of repeated failures
 * @param retentionDays rotated files whose newest entry is older than this many days are removed; {@code 0}:
 *        kept whatever their age
 * @param retentionMaxBytes the oldest rotated files are removed while all files together are larger; {@code 0}:
 *        no bound
 */
public record AuditSettings(
        Path directory,
        long maxFileBytes,
        long flushIntervalMillis,
        int queueCapacity,
        Backpressure backpressure,
        long blockTimeoutMillis,
        boolean postEvents,
        int volumeCapPerMinute,
        int retentionDays,
        long retentionMaxBytes) {

    public static final long MIB = 1024 * 1024;
    public static final int DEFAULT_VOLUME_CAP = 600;
    public static final int DEFAULT_RETENTION_DAYS = 365;
    public static final long DEFAULT_RETENTION_MAX_BYTES = 1024 * MIB;

    public AuditSettings {
        if (directory == null) {
            throw new IllegalArgumentException("directory must be set");
        }
        require(maxFileBytes >= 1024, "maxFileSizeMb", "at least 1");
        require(flushIntervalMillis >= 1, "flushIntervalMs", "at least 1");
        require(queueCapacity >= 16, "queueCapacity", "at least 16");
        require(blockTimeoutMillis >= 0, "blockTimeoutMs", "0 or more");
        if (backpressure == null) {
            throw new IllegalArgumentException("backpressure must be 'block' or 'drop'");
        }
        require(volumeCapPerMinute >= 0, "volumeCapPerMinute", "0 (no cap) or more");
        require(retentionDays >= 0, "retentionDays", "0 (no age limit) or more");
        // Retention never removes the active file: a bound below one file could only be met by emptying the log.
        require(retentionMaxBytes == 0 || retentionMaxBytes >= maxFileBytes, "retentionMaxMb",
                "0 (no size limit) or at least maxFileSizeMb (" + maxFileBytes / MIB + ")");
    }

    public static AuditSettings defaults(Path directory) {
        return new AuditSettings(directory, 16 * MIB, 100, 65536, Backpressure.BLOCK, 1000, true, DEFAULT_VOLUME_CAP,
                DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_MAX_BYTES);
    }

    public static AuditSettings from(AuditConfig config) {
        String dir = config.directory() == null ? "" : config.directory().trim();
        Path directory = dir.isEmpty() ? defaultDirectory() : Path.of(dir);
        return new AuditSettings(directory, config.maxFileSizeMb() * MIB, config.flushIntervalMs(),
                config.queueCapacity(), Backpressure.parse(config.backpressure()), config.blockTimeoutMs(),
                config.eventAdmin(), config.volumeCapPerMinute(), config.retentionDays(),
                config.retentionMaxMb() * MIB);
    }

    /** {@code ${karaf.data}/audit}; outside Karaf, {@code data/audit} under the working directory. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("karaf.data", "data"), "audit");
    }

    public AuditSettings withMaxFileBytes(long bytes) {
        return new AuditSettings(directory, bytes, flushIntervalMillis, queueCapacity, backpressure, blockTimeoutMillis,
                postEvents, volumeCapPerMinute, retentionDays, retentionMaxBytes == 0 ? 0
                        : Math.max(retentionMaxBytes, bytes));
    }

    public AuditSettings withQueue(int capacity, Backpressure mode, long timeoutMillis) {
        return new AuditSettings(directory, maxFileBytes, flushIntervalMillis, capacity, mode, timeoutMillis, postEvents,
                volumeCapPerMinute, retentionDays, retentionMaxBytes);
    }

    public AuditSettings withVolumeCap(int perMinute) {
        return new AuditSettings(directory, maxFileBytes, flushIntervalMillis, queueCapacity, backpressure,
                blockTimeoutMillis, postEvents, perMinute, retentionDays, retentionMaxBytes);
    }

    public AuditSettings withRetention(int days, long maxBytes) {
        return new AuditSettings(directory, maxFileBytes, flushIntervalMillis, queueCapacity, backpressure,
                blockTimeoutMillis, postEvents, volumeCapPerMinute, days, maxBytes);
    }

    private static void require(boolean ok, String key, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(key + " must be " + expected);
        }
    }
}
