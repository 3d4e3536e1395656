package dev.fluent.plugin.sources.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

/**
 * Opens a {@code mvn:} URL. In Karaf the framework's URL handlers hand it to pax-url-aether, the resolver Karaf
 * installs features with, so plugins come from the same repositories, mirrors, credentials and local repository
 * as the container's own bundles ({@code etc/org.ops4j.pax.url.mvn.cfg}); tests give another opener.
 */
@FunctionalInterface
interface ArtifactFetcher {

    InputStream open(String url) throws IOException;

    /** Through {@link URL}: the {@code mvn:} handler the OSGi framework registers for pax-url-aether. */
    static ArtifactFetcher urlHandlers() {
        return url -> new URL(url).openStream();
    }
}
