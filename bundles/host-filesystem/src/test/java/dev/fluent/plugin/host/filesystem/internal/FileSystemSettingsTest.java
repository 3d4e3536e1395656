package dev.fluent.plugin.host.filesystem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The keys of PID dev.fluent.plugin.host.filesystem, as docs/capabilities.md names them, through the typed configuration. */
class FileSystemSettingsTest {

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static FileSystemConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(FileSystemConfig.class);
    }

    @Test
    void readsEachDocumentedKey() {
        FileSystemSettings settings = FileSystemSettings.from(config(Map.of(
                "max_calls_per_execution", "10",
                "max_bytes_written_per_execution", 2000L,
                "max_files_created_per_execution", "3",
                "max_bytes_stored_per_plugin", "40000")));
        assertEquals(new FileSystemSettings(10, 2000, 3, 40000), settings);
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        assertEquals(FileSystemSettings.DEFAULTS, FileSystemSettings.from(config(Map.of())));
        assertEquals(new FileSystemSettings(256, 16 * 1024 * 1024, 16, 64 * 1024 * 1024), FileSystemSettings.DEFAULTS);
    }

    @Test
    void bringsValuesWithinTheirBounds() {
        assertEquals(new FileSystemSettings(1, 0, 1_000_000, FileSystemSettings.MAX_BYTES),
                FileSystemSettings.from(config(Map.of(
                        "max_calls_per_execution", "0",
                        "max_bytes_written_per_execution", "-5",
                        "max_files_created_per_execution", "99999999999",
                        "max_bytes_stored_per_plugin", "99999999999999999"))));
    }

    @Test
    void keepsTheDefaultOfAValueThatIsNotANumber() {
        assertEquals(new FileSystemSettings(256, 16 * 1024 * 1024, 5, 64 * 1024 * 1024),
                FileSystemSettings.from(config(Map.of(
                        "max_calls_per_execution", "lots",
                        "max_bytes_written_per_execution", "16 MiB",
                        "max_files_created_per_execution", "5",
                        "max_bytes_stored_per_plugin", ""))));
    }
}
