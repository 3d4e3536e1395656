package dev.fluent.plugin.api;

import java.nio.file.Path;

/**
 * Turns where an operator says a plugin is into the plugin folder {@link PluginRegistry#load(Path)} takes, so
 * that every front end (the shell, the HTTP API, the cluster) accepts the same locations:
 * <ul>
 * <li>a plugin folder, returned as it is;</li>
 * <li>a {@code .zip} archive of one, unpacked;</li>
 * <li>a Maven artifact, {@code mvn:<group>/<artifact>/<version>/zip[/<classifier>]}, fetched through the
 * container's own Maven resolution (the repositories of {@code etc/org.ops4j.pax.url.mvn.cfg}) and unpacked.</li>
 * </ul>
 * From an archive only {@code manifest.json} and {@code plugin.wasm} are taken, their sizes bounded; each is
 * unpacked into a folder named by the archive's SHA-256, so the same bytes always give the same folder, which
 * stays there for the platform to load again after a restart. Nothing is checked here that the load checks:
 * the folder still passes every one of them.
 *
 * @since 1.3
 */
@org.osgi.annotation.versioning.ProviderType
public interface PluginSources {

    /** The scheme of a Maven artifact location. */
    String MAVEN_PREFIX = "mvn:";

    /**
     * The plugin folder {@code location} names, fetched and unpacked when it is an archive or an artifact.
     *
     * @throws PluginException {@link ErrorCode#PLUGIN_NOT_FOUND} when a path names nothing, {@link
     *         ErrorCode#ARTIFACT_UNAVAILABLE} when a {@code mvn:} location does not resolve, {@link
     *         ErrorCode#ARCHIVE_INVALID} when the archive is unusable
     */
    Path folder(String location) throws PluginException;

    /** Whether {@code location} is one {@link #folder} fetches or unpacks rather than a folder taken as it is. */
    static boolean isArchive(String location) {
        return location.startsWith(MAVEN_PREFIX) || location.toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }
}
