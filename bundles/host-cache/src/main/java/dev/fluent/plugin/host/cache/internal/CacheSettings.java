package dev.fluent.plugin.host.cache.internal;

import java.util.Map;

/**
 * The cache's limits, from configuration PID {@value #PID}.
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

    static CacheSettings from(Map<String, ?> properties) {
        long maxBytes = number(properties, MAX_BYTES, DEFAULTS.maxBytesPerPlugin, 1024, 1L << 30);
        return new CacheSettings(
                maxBytes,
                (int) number(properties, MAX_ENTRIES, DEFAULTS.maxEntriesPerPlugin, 1, 1_000_000),
                (int) Math.min(maxBytes, number(properties, MAX_VALUE, DEFAULTS.maxValueBytes, 1, 16 * 1024 * 1024)),
                number(properties, DEFAULT_TTL, DEFAULTS.defaultTtlSeconds, 1, 365L * 86_400),
                number(properties, MAX_TTL, DEFAULTS.maxTtlSeconds, 1, 365L * 86_400));
    }

    private static long number(Map<String, ?> properties, String key, long fallback, long min, long max) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Long.parseLong(String.valueOf(value).trim())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
