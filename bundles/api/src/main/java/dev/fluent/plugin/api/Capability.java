package dev.fluent.plugin.api;

import java.util.Arrays;
import java.util.Optional;

/** What a plugin may ask to do beyond computing. Nothing is granted unless the manifest asks for it. */
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

    public static Optional<Capability> fromManifestName(String name) {
        return Arrays.stream(values()).filter(c -> c.manifestName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return manifestName;
    }
}
