package dev.fluent.plugin.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a plugin may ask to do beyond computing. Nothing is granted unless the manifest asks for it.
 *
 * <p>These are the eight standard capabilities, served by the platform's own providers through import
 * module {@code fluent}. Any other capability is named in reverse-domain form ({@link #isExtensionName},
 * e.g. {@code com.example.SqlQuery}) and served by a third-party
 * {@link dev.fluent.plugin.api.spi.CapabilityProvider} through an import module of its own; manifests,
 * grants and policies carry such a capability by its name ({@link PluginManifest#extensionCapabilities()}).
 */
public enum Capability {
    NETWORK_ACCESS("NetworkAccess"),
    FILE_SYSTEM_READ("FileSystemRead"),
    FILE_SYSTEM_WRITE("FileSystemWrite"),
    ENVIRONMENT_ACCESS("EnvironmentAccess"),
    CONFIGURATION_ACCESS("ConfigurationAccess"),
    CACHE_ACCESS("CacheAccess"),
    LOGGING_ACCESS("LoggingAccess"),
    METRICS_ACCESS("MetricsAccess");

    private final String manifestName;

    Capability(String manifestName) {
        this.manifestName = manifestName;
    }

    /** The name as written in {@code manifest.json}, e.g. {@code NetworkAccess}. */
    public String manifestName() {
        return manifestName;
    }

    /**
     * The form of a capability that is not one of the eight: at least two lower-case domain segments, then
     * the capability's own name, at most {@value #MAX_EXTENSION_NAME_LENGTH} characters in all.
     */
    public static final String EXTENSION_FORM = "reverse-domain form, e.g. com.example.SqlQuery";

    /** Longest name of a capability outside the standard eight. */
    public static final int MAX_EXTENSION_NAME_LENGTH = 128;

    private static final Pattern EXTENSION_NAME =
            Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+\\.[A-Za-z][A-Za-z0-9_]*");

    /** Whether {@code name} is a well-formed name of a capability outside the standard eight. */
    public static boolean isExtensionName(String name) {
        return name != null && name.length() <= MAX_EXTENSION_NAME_LENGTH && EXTENSION_NAME.matcher(name).matches();
    }

    /** Whether {@code name} names a capability: one of the standard eight or a well-formed extension name. */
    public static boolean isCapabilityName(String name) {
        return fromManifestName(name).isPresent() || isExtensionName(name);
    }

    public static Optional<Capability> fromManifestName(String name) {
        return Arrays.stream(values()).filter(c -> c.manifestName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return manifestName;
    }
}
