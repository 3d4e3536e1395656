package dev.fluent.plugin.host.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The keys of PID dev.fluent.plugin.host.cache, as docs/capabilities.md names them, through the typed configuration. */
class CacheSettingsTest {

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static CacheConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(CacheConfig.class);
    }

    @Test
    void readsEachDocumentedKey() {
        CacheSettings settings = CacheSettings.from(config(Map.of(
                "max_bytes_per_plugin", "65536",
                "max_entries_per_plugin", 50L,
                "max_value_bytes", "4096",
                "default_ttl_seconds", "30",
                "max_ttl_seconds", "120")));
        assertEquals(new CacheSettings(65536, 50, 4096, 30, 120), settings);
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        assertEquals(CacheSettings.DEFAULTS, CacheSettings.from(config(Map.of())));
        assertEquals(new CacheSettings(1024 * 1024, 10_000, 256 * 1024, 300, 86_400), CacheSettings.DEFAULTS);
    }

    @Test
    void bringsValuesWithinTheirBounds() {
        assertEquals(new CacheSettings(1L << 30, 1, 16 * 1024 * 1024, 1, 365L * 86_400),
                CacheSettings.from(config(Map.of(
                        "max_bytes_per_plugin", "99999999999",
                        "max_entries_per_plugin", "0",
                        "max_value_bytes", "999999999",
                        "default_ttl_seconds", "-5",
                        "max_ttl_seconds", "999999999"))));
    }

    @Test
    void aValueIsNeverLargerThanTheWholeNamespace() {
        assertEquals(2048, CacheSettings.from(config(Map.of(
                "max_bytes_per_plugin", "2048",
                "max_value_bytes", "4096"))).maxValueBytes());
    }

    @Test
    void keepsTheDefaultOfAValueThatIsNotANumber() {
        assertEquals(new CacheSettings(1024 * 1024, 7, 256 * 1024, 300, 86_400), CacheSettings.from(config(Map.of(
                "max_bytes_per_plugin", "1 MiB",
                "max_entries_per_plugin", "7",
                "max_ttl_seconds", "a day"))));
    }
}
