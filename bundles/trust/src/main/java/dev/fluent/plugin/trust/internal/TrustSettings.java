package dev.fluent.plugin.trust.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.util.converter.Converter;
import org.osgi.util.converter.Converters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store's configuration, from two Config Admin PIDs: {@value #POLICY_PID} (the platform's policy,
 * which says whether development mode is on: {@link PolicyConfig}) and {@value #PID} (folders and
 * revocations: {@link TrustConfig}).
 *
 * @param trustedKeysDir the operator's trusted public keys, one PEM file each ({@value #TRUSTED_KEYS_DIR})
 * @param developmentKeysDir keys trusted only in development mode ({@value #DEVELOPMENT_KEYS_DIR})
 * @param developmentMode {@value #DEVELOPMENT_MODE} of {@value #POLICY_PID}
 * @param revoked key ids that verify nothing ({@value #REVOKED_KEYS}, comma-separated)
 * @param scanIntervalSeconds how often the folders are looked at for changes ({@value #SCAN_INTERVAL});
 *        every lookup looks too, so this only bounds how late a removed key unloads its plugins
 */
record TrustSettings(Path trustedKeysDir, Path developmentKeysDir, boolean developmentMode, Set<String> revoked,
        long scanIntervalSeconds) {

    static final String POLICY_PID = "dev.fluent.plugin";
    static final String PID = "dev.fluent.plugin.trust";
    static final String DEVELOPMENT_MODE = "development.mode";
    static final String TRUSTED_KEYS_DIR = "trusted.keys.dir";
    static final String DEVELOPMENT_KEYS_DIR = "development.keys.dir";
    static final String REVOKED_KEYS = "revoked.keys";
    static final String SCAN_INTERVAL = "scan.interval.seconds";

    static final long DEFAULT_SCAN_INTERVAL = 2;

    private static final Logger LOG = LoggerFactory.getLogger(TrustSettings.class);

    TrustSettings {
        trustedKeysDir = trustedKeysDir.toAbsolutePath().normalize();
        developmentKeysDir = developmentKeysDir.toAbsolutePath().normalize();
        revoked = Collections.unmodifiableSet(new TreeSet<>(revoked));
    }

    static TrustSettings from(TrustConfig config, PolicyConfig policy) {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path trusted = path(config.trusted_keys_dir(), etc.resolve("fluent/trusted-keys"));
        Path development = path(config.development_keys_dir(), etc.resolve("fluent/development-keys"));
        long interval;
        try {
            interval = Math.max(1, config.scan_interval_seconds());
        } catch (RuntimeException notANumber) {
            // Declarative Services converts a value only when it is read.
            LOG.warn("{} in etc/{}.cfg is not a number of seconds ({}); using {}", SCAN_INTERVAL, PID,
                    notANumber.getMessage(), DEFAULT_SCAN_INTERVAL);
            interval = DEFAULT_SCAN_INTERVAL;
        }
        return new TrustSettings(trusted, development, policy.development_mode(), keyIds(config.revoked_keys()),
                interval);
    }

    /**
     * Settings from the keys of both PIDs in one map, as Config Admin hands them to the component, converted
     * to {@link TrustConfig} and {@link PolicyConfig} the way Declarative Services converts them.
     */
    static TrustSettings from(Map<String, ?> properties) {
        Converter converter = Converters.standardConverter();
        return from(converter.convert(properties).to(TrustConfig.class),
                converter.convert(properties).to(PolicyConfig.class));
    }

    TrustSettings withRevoked(Set<String> ids) {
        return new TrustSettings(trustedKeysDir, developmentKeysDir, developmentMode, ids, scanIntervalSeconds);
    }

    /**
     * Key ids from a comma- or space-separated string, or a list or array of such strings (the typed
     * configuration holds {@code revoked.keys = a, b} as one element); anything else in it is reported and
     * skipped.
     */
    static Set<String> keyIds(Object value) {
        Collection<?> items;
        if (value == null) {
            items = Set.of();
        } else if (value instanceof Collection<?> c) {
            items = c;
        } else if (value instanceof Object[] array) {
            items = Arrays.asList(array);
        } else {
            items = List.of(value);
        }
        Set<String> ids = new TreeSet<>();
        for (Object item : items) {
            for (String part : String.valueOf(item).split("[,\\s]+")) {
                String id = part.trim().toLowerCase(Locale.ROOT);
                if (id.isEmpty()) {
                    continue;
                }
                if (PublicKeys.isKeyId(id)) {
                    ids.add(id);
                } else {
                    LOG.warn("Ignoring '{}' in {}: not a key id ({})", part, REVOKED_KEYS, PublicKeys.KEY_ID_RULE);
                }
            }
        }
        return ids;
    }

    private static Path path(String value, Path fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Path.of(value.trim());
    }
}
