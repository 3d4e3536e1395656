package dev.fluent.plugin.host.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The keys of PID dev.fluent.plugin.host.network, as docs/capabilities.md names them, through the typed configuration. */
class NetworkSettingsTest {

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static NetworkConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(NetworkConfig.class);
    }

    @Test
    void readsEachDocumentedKey() {
        NetworkSettings settings = NetworkSettings.from(config(Map.of(
                "max_response_bytes", "1000",
                "max_request_body_bytes", "2000",
                "connect_timeout_ms", 3000L,
                "request_timeout_ms", "4000",
                "max_redirects", "2")));
        assertEquals(new NetworkSettings(1000, 2000, 3000, 4000, 2), settings);
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        assertEquals(NetworkSettings.DEFAULTS, NetworkSettings.from(config(Map.of())));
        assertEquals(new NetworkSettings(4 * 1024 * 1024, 4 * 1024 * 1024, 10_000, 30_000, 5), NetworkSettings.DEFAULTS);
    }

    @Test
    void bringsValuesWithinTheirBounds() {
        assertEquals(new NetworkSettings(NetworkSettings.MAX_BODY, 0, 1, 3_600_000, 20),
                NetworkSettings.from(config(Map.of(
                        "max_response_bytes", "99999999999",
                        "max_request_body_bytes", "-1",
                        "connect_timeout_ms", "0",
                        "request_timeout_ms", "99999999",
                        "max_redirects", "100"))));
    }

    @Test
    void keepsTheDefaultOfAValueThatIsNotANumber() {
        assertEquals(new NetworkSettings(4 * 1024 * 1024, 4 * 1024 * 1024, 10_000, 1234, 5),
                NetworkSettings.from(config(Map.of(
                        "max_response_bytes", "4 MiB",
                        "request_timeout_ms", "1234",
                        "max_redirects", "five"))));
    }
}
