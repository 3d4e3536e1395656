package dev.fluent.plugin.sources.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@link PluginSources} for the shell, the HTTP API and the cluster. Archives are unpacked into
 * {@code ${karaf.data}/fluent-plugin/archives/<sha256 of the archive>}: the folder a load remembers, so a restart
 * loads the same bytes again without fetching, and the same archive fetched twice is unpacked once.
 */
@Component(service = PluginSources.class)
public final class PluginSourceService implements PluginSources {

    private final Path archives;
    private final ArtifactFetcher fetcher;
    private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();

    @Activate
    public PluginSourceService() {
        this(Path.of(System.getProperty("karaf.data", "data"), "fluent-plugin", "archives"),
                ArtifactFetcher.urlHandlers());
    }

    PluginSourceService(Path archives, ArtifactFetcher fetcher) {
        this.archives = archives;
        this.fetcher = fetcher;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSink(AuditSink sink) {
        sinks.add(sink);
    }

    void removeSink(AuditSink sink) {
        sinks.remove(sink);
    }

    @Override
    public Path folder(String location) throws PluginException {
        if (!PluginSources.isArchive(location)) {
            return Path.of(location);
        }
        try {
            Unpacked unpacked = location.startsWith(MAVEN_PREFIX) ? fetchArtifact(MavenLocation.parse(location))
                    : unpackFile(location);
            audit(location, null, Map.of("sha256", unpacked.sha256(), "folder", unpacked.folder().toString()));
            return unpacked.folder();
        } catch (PluginException e) {
            audit(location, e, Map.of());
            throw e;
        }
    }

    private record Unpacked(Path folder, String sha256) {
    }

    private Unpacked fetchArtifact(MavenLocation artifact) throws PluginException {
        Path download = temporary();
        try {
            String sha256;
            try (InputStream in = fetcher.open(artifact.url())) {
                sha256 = copyBounded(in, download, artifact.url());
            } catch (MalformedURLException e) {
                throw new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, "cannot fetch " + artifact
                        + ": no mvn: URL handler is running (" + e.getMessage() + "); Karaf's pax-url-aether "
                        + "bundle resolves mvn: locations, start it or load the plugin from a folder", e);
            } catch (IOException e) {
                throw new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, "cannot fetch " + artifact + ": "
                        + causes(e) + "; publish it to a repository listed in org.ops4j.pax.url.mvn.repositories "
                        + "of etc/org.ops4j.pax.url.mvn.cfg (or its local repository)", e);
            }
            return unpack(download, artifact.url(), sha256);
        } finally {
            deleteQuietly(download);
        }
    }

    private Unpacked unpackFile(String location) throws PluginException {
        Path archive = Path.of(location);
        if (!Files.isRegularFile(archive)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null, "no plugin archive " + archive
                    + " (a .zip holding manifest.json and plugin.wasm)");
        }
        Path copy = temporary();
        try {
            // A copy, so that the archive checked and unpacked is the one hashed even if the file changes.
            try (InputStream in = Files.newInputStream(archive)) {
                return unpack(copy, location, copyBounded(in, copy, location));
            } catch (IOException e) {
                throw PluginArchive.invalid(location, "it could not be read (" + e + ")");
            }
        } finally {
            deleteQuietly(copy);
        }
    }

    private Unpacked unpack(Path archive, String name, String sha256) throws PluginException {
        Path target = archives.resolve(sha256);
        if (Files.isRegularFile(target.resolve(PluginArchive.MANIFEST))
                && Files.isRegularFile(target.resolve(PluginArchive.WASM))) {
            return new Unpacked(target, sha256);
        }
        Path staging = archives.resolve(".unpack-" + sha256 + "-" + System.nanoTime());
        try {
            PluginArchive.extract(archive, name, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another load of the same bytes unpacked them first: its folder holds the same two files.
                if (!Files.isDirectory(target)) {
                    throw new PluginException(ErrorCode.INTERNAL, null, "could not unpack " + name + " into "
                            + target + ": " + raced, raced);
                }
            }
            return new Unpacked(target, sha256);
        } finally {
            deleteTree(staging);
        }
    }

    /** Copies at most {@link PluginArchive#MAX_ARCHIVE_BYTES}, hashing as it goes; the hex SHA-256. */
    private static String copyBounded(InputStream in, Path to, String name) throws IOException, PluginException {
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(to), digest)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0;) {
                total += n;
                if (total > PluginArchive.MAX_ARCHIVE_BYTES) {
                    throw PluginArchive.invalid(name, "it is larger than " + PluginArchive.MAX_ARCHIVE_BYTES
                            + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private Path temporary() throws PluginException {
        try {
            Files.createDirectories(archives);
            return Files.createTempFile(archives, ".fetch-", ".zip");
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "cannot write into " + archives + ": " + e, e);
        }
    }

    private void audit(String location, PluginException failure, Map<String, String> details) {
        AuditEvent event = new AuditEvent(Instant.now(), failure == null ? "" : failure.pluginId(),
                AuditActions.FETCH, SafeText.escape(location), failure == null,
                failure == null ? null : failure.toString(), details);
        for (AuditSink sink : sinks) {
            sink.record(event);
        }
    }

    /** The resolver's messages, outermost first: pax-url wraps the reason (which repository said what). */
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 600; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return text.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file in the archives folder is harmless; the next start does not read it.
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (var files = Files.list(folder)) {
            files.forEach(PluginSourceService::deleteQuietly);
        } catch (IOException ignored) {
            // As above: the staging folder is named apart from every unpacked one.
        }
        deleteQuietly(folder);
    }
}
