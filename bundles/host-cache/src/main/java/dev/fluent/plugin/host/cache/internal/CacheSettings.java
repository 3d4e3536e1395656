package dev.fluent.plugin.host.cache.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's limits, from configuration PID {@value #PID} ({@link CacheConfig}).
 *
 * @param maxBytesPerPlugin bytes of keys and values one plugin's namespace may hold ({@value #MAX_BYTES})
 * @param maxEntriesPerPlugin entries one namespace may hold ({@value #MAX_ENTRIES})
 * @param maxValueBytes largest value ({@value #MAX_VALUE})
 * @param defaultTtlSeconds expiry of a value put with ttl 0 ({@value #DEFAULT_TTL})
 * @param maxTtlSeconds longest expiry; longer ones are shortened to it ({@value #MAX_TTL})
 */
record CacheSettings(long maxBytesPerPlugin, int maxEntriesPerPlugin, int maxValueBytes, long defaultTtlSeconds,
        long maxTtlSeconds) {

    static final String PID = "dev.fluent.plugin.host.cache";
    static final String MAX_BYTES = "max_bytes_per_plugin";
    static final String MAX_ENTRIES = "max_entries_per_plugin";
    static final String MAX_VALUE = "max_value_bytes";
    static final String DEFAULT_TTL = "default_ttl_seconds";
    static final String MAX_TTL = "max_ttl_seconds";

    static final CacheSettings DEFAULTS = new CacheSettings(1024 * 1024, 10_000, 256 * 1024, 300, 86_400);

    private static final Logger LOG = LoggerFactory.getLogger(CacheSettings.class);

    /** The configured limits, each brought within the bounds {@link CacheConfig} declares. */
    static CacheSettings from(CacheConfig config) {
        long maxBytes = orDefault(config::max__bytes__per__plugin, MAX_BYTES, DEFAULTS.maxBytesPerPlugin);
        long entries = orDefault(config::max__entries__per__plugin, MAX_ENTRIES, DEFAULTS.maxEntriesPerPlugin);
        long value = orDefault(config::max__value__bytes, MAX_VALUE, DEFAULTS.maxValueBytes);
        long defaultTtl = orDefault(config::default__ttl__seconds, DEFAULT_TTL, DEFAULTS.defaultTtlSeconds);
        long maxTtl = orDefault(config::max__ttl__seconds, MAX_TTL, DEFAULTS.maxTtlSeconds);
        maxBytes = Math.max(1024, Math.min(1L << 30, maxBytes));
        return new CacheSettings(
                maxBytes,
                (int) Math.max(1, Math.min(1_000_000, entries)),
                (int) Math.min(maxBytes, Math.max(1, Math.min(16 * 1024 * 1024, value))),
                Math.max(1, Math.min(365L * 86_400, defaultTtl)),
                Math.max(1, Math.min(365L * 86_400, maxTtl)));
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
