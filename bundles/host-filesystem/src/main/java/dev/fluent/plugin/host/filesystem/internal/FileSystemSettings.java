package dev.fluent.plugin.host.filesystem.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file quotas, from configuration PID {@value #PID} ({@link FileSystemConfig}).
 *
 * @param maxCallsPerExecution {@code fs_read} and {@code fs_write} calls of one execution together
 *        ({@value #MAX_CALLS})
 * @param maxBytesWrittenPerExecution bytes the writes of one execution may write together
 *        ({@value #MAX_BYTES_WRITTEN})
 * @param maxFilesCreatedPerExecution files the writes of one execution may create ({@value #MAX_FILES_CREATED})
 * @param maxBytesStoredPerPlugin bytes a plugin's data folder may hold, each entry counted as at least
 *        {@value FileAccess#BLOCK} bytes ({@value #MAX_BYTES_STORED})
 */
record FileSystemSettings(long maxCallsPerExecution, long maxBytesWrittenPerExecution, long maxFilesCreatedPerExecution,
        long maxBytesStoredPerPlugin) {

    static final String PID = "dev.fluent.plugin.host.filesystem";
    static final String MAX_CALLS = "max_calls_per_execution";
    static final String MAX_BYTES_WRITTEN = "max_bytes_written_per_execution";
    static final String MAX_FILES_CREATED = "max_files_created_per_execution";
    static final String MAX_BYTES_STORED = "max_bytes_stored_per_plugin";

    static final long DEFAULT_CALLS = 256;
    static final long DEFAULT_BYTES_WRITTEN = 16L * 1024 * 1024;
    static final long DEFAULT_FILES_CREATED = 16;
    static final long DEFAULT_BYTES_STORED = 64L * 1024 * 1024;

    /** Upper bound of either byte quota: 1 TiB. */
    static final long MAX_BYTES = 1L << 40;

    static final FileSystemSettings DEFAULTS = new FileSystemSettings(DEFAULT_CALLS, DEFAULT_BYTES_WRITTEN,
            DEFAULT_FILES_CREATED, DEFAULT_BYTES_STORED);

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemSettings.class);

    /** The configured quotas, each brought within the bounds {@link FileSystemConfig} declares. */
    static FileSystemSettings from(FileSystemConfig config) {
        long calls = orDefault(config::max__calls__per__execution, MAX_CALLS, DEFAULT_CALLS);
        long written = orDefault(config::max__bytes__written__per__execution, MAX_BYTES_WRITTEN, DEFAULT_BYTES_WRITTEN);
        long files = orDefault(config::max__files__created__per__execution, MAX_FILES_CREATED, DEFAULT_FILES_CREATED);
        long stored = orDefault(config::max__bytes__stored__per__plugin, MAX_BYTES_STORED, DEFAULT_BYTES_STORED);
        return new FileSystemSettings(
                Math.max(1, Math.min(1_000_000, calls)),
                Math.max(0, Math.min(MAX_BYTES, written)),
                Math.max(0, Math.min(1_000_000, files)),
                Math.max(0, Math.min(MAX_BYTES, stored)));
    }

    /** Where an operator raises a limit: the key and the file that holds it. */
    static String where(String key) {
        return key + " in etc/" + PID + ".cfg";
    }

    /**
     * A configured value, or the default when it is not a whole number: Declarative Services converts a value
     * only when it is read, and a typo in the file must not take the capability away.
     */
    private static long orDefault(LongSupplier configured, String key, long fallback) {
        try {
            return configured.getAsLong();
        } catch (RuntimeException notANumber) {
            LOG.warn("{} in etc/{}.cfg is not a whole number ({}); using {} until it is", key, PID,
                    notANumber.getMessage(), fallback);
            return fallback;
        }
    }
}
