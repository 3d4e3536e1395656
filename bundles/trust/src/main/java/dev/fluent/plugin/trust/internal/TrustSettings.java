package dev.fluent.plugin.trust.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store's configuration, from two Config Admin PIDs: {@value #POLICY_PID} (the platform's policy,
 * which says whether development mode is on) and {@value #PID} (folders and revocations).
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

    static TrustSettings from(Map<String, ?> properties) {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path trusted = path(properties.get(TRUSTED_KEYS_DIR), etc.resolve("fluent/trusted-keys"));
        Path development = path(properties.get(DEVELOPMENT_KEYS_DIR), etc.resolve("fluent/development-keys"));
        boolean developmentMode = Boolean.parseBoolean(String.valueOf(properties.get(DEVELOPMENT_MODE)).trim());
        long interval = DEFAULT_SCAN_INTERVAL;
        Object value = properties.get(SCAN_INTERVAL);
        if (value != null) {
            try {
                interval = Math.max(1, Long.parseLong(String.valueOf(value).trim()));
            } catch (NumberFormatException e) {
                LOG.warn("{} = {} is not a number of seconds; using {}", SCAN_INTERVAL, value, DEFAULT_SCAN_INTERVAL);
            }
        }
        return new TrustSettings(trusted, development, developmentMode, keyIds(properties.get(REVOKED_KEYS)), interval);
    }

    TrustSettings withRevoked(Set<String> ids) {
        return new TrustSettings(trustedKeysDir, developmentKeysDir, developmentMode, ids, scanIntervalSeconds);
    }

    /** A comma- or space-separated string, or a list, of key ids; anything else in it is reported and skipped. */
    static Set<String> keyIds(Object value) {
        Collection<?> items;
        if (value == null) {
            items = Set.of();
        } else if (value instanceof Collection<?> c) {
            items = c;
        } else if (value instanceof Object[] array) {
            items = Arrays.asList(array);
        } else {
            items = Arrays.asList(String.valueOf(value).split("[,\\s]+"));
        }
        Set<String> ids = new TreeSet<>();
        for (Object item : items) {
            String id = String.valueOf(item).trim().toLowerCase(Locale.ROOT);
            if (id.isEmpty()) {
                continue;
            }
            if (KeyIds.isKeyId(id)) {
                ids.add(id);
            } else {
                LOG.warn("Ignoring '{}' in {}: not a key id ({})", item, REVOKED_KEYS, KeyIds.RULE);
            }
        }
        return ids;
    }

    private static Path path(Object value, Path fallback) {
        if (value == null || String.valueOf(value).isBlank()) {
            return fallback;
        }
        return Path.of(String.valueOf(value).trim());
    }
}
