package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * The keys of PID dev.fluent.plugin.trust (as etc/dev.fluent.plugin.trust.cfg names them) and development.mode
 * of PID dev.fluent.plugin, through the typed configurations.
 */
class TrustSettingsTest {

    /** PID dev.fluent.plugin.trust as Declarative Services hands it to the store: same key mapping, same defaults. */
    static TrustConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(TrustConfig.class);
    }

    /** What the store reads of PID dev.fluent.plugin, the same way. */
    static PolicyConfig policy(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(PolicyConfig.class);
    }

    private static TrustSettings from(Map<String, ?> properties) {
        return TrustSettings.from(config(properties), policy(properties));
    }

    @Test
    void readsEachDocumentedKey() {
        String revoked = "0123456789abcdef0123456789abcdef";
        TrustSettings settings = from(Map.of(
                "trusted.keys.dir", "/srv/fluent/trusted",
                "development.keys.dir", "/srv/fluent/development",
                "revoked.keys", revoked.toUpperCase() + ", fedcba9876543210fedcba9876543210",
                "scan.interval.seconds", "30",
                "development.mode", "true"));
        assertEquals(Path.of("/srv/fluent/trusted").toAbsolutePath(), settings.trustedKeysDir());
        assertEquals(Path.of("/srv/fluent/development").toAbsolutePath(), settings.developmentKeysDir());
        assertEquals(Set.of(revoked, "fedcba9876543210fedcba9876543210"), settings.revoked());
        assertEquals(30, settings.scanIntervalSeconds());
        assertTrue(settings.developmentMode());
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        TrustSettings settings = from(Map.of());
        assertEquals(etc.resolve("fluent/trusted-keys").toAbsolutePath().normalize(), settings.trustedKeysDir());
        assertEquals(etc.resolve("fluent/development-keys").toAbsolutePath().normalize(), settings.developmentKeysDir());
        assertEquals(Set.of(), settings.revoked());
        assertEquals(2, settings.scanIntervalSeconds());
        assertFalse(settings.developmentMode());
    }

    @Test
    void theShippedEmptyValuesMeanTheDefaults() {
        // etc/dev.fluent.plugin.trust.cfg ships "revoked.keys =": an empty string, not an absent key.
        TrustSettings settings = from(Map.of("trusted.keys.dir", " ", "revoked.keys", ""));
        assertEquals(from(Map.of()), settings);
    }

    @Test
    void revokedKeysMayAlsoBeAList() {
        String a = "0123456789abcdef0123456789abcdef";
        String b = "fedcba9876543210fedcba9876543210";
        assertEquals(Set.of(a, b), from(Map.of("revoked.keys", new String[] {a, b})).revoked());
        assertEquals(Set.of(a, b), from(Map.of("revoked.keys", List.of(a, b + " "))).revoked());
        assertEquals(Set.of(a), from(Map.of("revoked.keys", a + ",not-a-key-id")).revoked(), "a bad id is skipped");
    }

    @Test
    void theScanIntervalIsAtLeastASecondAndKeepsItsDefaultWhenNotANumber() {
        assertEquals(1, from(Map.of("scan.interval.seconds", "0")).scanIntervalSeconds());
        assertEquals(2, from(Map.of("scan.interval.seconds", "soon")).scanIntervalSeconds());
        assertEquals(TrustSettings.DEFAULT_SCAN_INTERVAL, from(Map.of()).scanIntervalSeconds());
    }

    @Test
    void theMapEntryPointReadsTheSameKeys() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("trusted.keys.dir", "/srv/t");
        properties.put("revoked.keys", "0123456789abcdef0123456789abcdef");
        properties.put("scan.interval.seconds", 7L);
        properties.put("development.mode", Boolean.TRUE);
        assertEquals(from(properties), TrustSettings.from(properties));
    }
}
