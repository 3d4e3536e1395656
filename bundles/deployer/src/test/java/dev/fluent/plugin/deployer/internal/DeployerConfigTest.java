package dev.fluent.plugin.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The keys of PID dev.fluent.plugin.deployer, through the typed configuration. */
class DeployerConfigTest {

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static DeployerConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(DeployerConfig.class);
    }

    @Test
    void readsEachKey() {
        DeployerConfig config = config(Map.of(
                "folder", "/srv/plugins",
                "scan.interval.ms", "250",
                "enabled", "false"));
        assertEquals("/srv/plugins", config.folder());
        assertEquals(250, config.scan_interval_ms());
        assertFalse(config.enabled());
    }

    @Test
    void anEmptyConfigurationGivesTheDefaults() {
        DeployerConfig config = config(Map.of());
        assertEquals("", config.folder(), "empty: ${karaf.base}/plugins");
        assertEquals(1000, config.scan_interval_ms());
        assertTrue(config.enabled());
    }
}
