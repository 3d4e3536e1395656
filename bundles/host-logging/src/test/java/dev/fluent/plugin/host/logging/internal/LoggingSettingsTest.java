package dev.fluent.plugin.host.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The keys of PID dev.fluent.plugin.host.logging, as docs/capabilities.md names them, through the typed configuration. */
class LoggingSettingsTest {

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static LoggingConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(LoggingConfig.class);
    }

    @Test
    void readsEachDocumentedKey() {
        LoggingSettings settings = LoggingSettings.from(config(Map.of(
                "lines_per_minute", "7",
                "max_calls_per_execution", 8L,
                "max_line_bytes", "900")));
        assertEquals(new LoggingSettings(7, 8, 900), settings);
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        assertEquals(LoggingSettings.DEFAULTS, LoggingSettings.from(config(Map.of())));
        assertEquals(new LoggingSettings(600, 1000, 4096), LoggingSettings.DEFAULTS);
    }

    @Test
    void bringsValuesWithinTheirBounds() {
        assertEquals(new LoggingSettings(1, 1_000_000, 80), LoggingSettings.from(config(Map.of(
                "lines_per_minute", "0",
                "max_calls_per_execution", "99999999999",
                "max_line_bytes", "10"))));
    }

    @Test
    void keepsTheDefaultOfAValueThatIsNotANumber() {
        assertEquals(new LoggingSettings(600, 5, 4096), LoggingSettings.from(config(Map.of(
                "lines_per_minute", "lots",
                "max_calls_per_execution", "5",
                "max_line_bytes", ""))));
    }
}
