package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.TrustListener;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the key folders held at one moment, and the settings they were read with ({@link KeyFolders} keeps the
 * newest); how to read one, and what changed between two.
 *
 * @param stamps each key file as seen: a change of size or time means reading the folders again
 * @param keys the trusted keys by id
 * @param files every file that holds each key id
 */
record KeySnapshot(TrustSettings settings, Map<Path, KeySnapshot.Stamp> stamps, Map<String, KeyFolders.Key> keys,
        Map<String, List<Path>> files) {

    private static final Logger LOG = LoggerFactory.getLogger(KeySnapshot.class);

    /** A key file as last seen. */
    record Stamp(long size, FileTime modified, boolean development) {
    }

    /** The key files the settings make trusted: the trusted keys folder's, and in development mode the other's. */
    static Map<Path, Stamp> stamps(TrustSettings settings) {
        Map<Path, Stamp> stamps = new TreeMap<>();
        stamp(settings.trustedKeysDir(), false, stamps);
        if (settings.developmentMode()) {
            stamp(settings.developmentKeysDir(), true, stamps);
        }
        return stamps;
    }

    /** Adds the {@code *.pem} files of {@code folder} not in {@code stamps} yet. */
    static void stamp(Path folder, boolean development, Map<Path, Stamp> stamps) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pem")) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        stamps.putIfAbsent(file,
                                new Stamp(attributes.size(), attributes.lastModifiedTime(), development));
                    }
                } catch (NoSuchFileException gone) {
                    // removed while listing: the next look sees it gone
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", folder, e.toString());
        }
    }

    /**
     * Reads the files {@code stamps} lists.
     *
     * @param previous the folders as last read, or {@code null}: a file unchanged since is not read again, so a
     *        key of a third-party algorithm stays trusted after its verifier stopped (its signatures fail with
     *        ALGORITHM_UNAVAILABLE meanwhile) until its file changes or goes
     */
    static KeySnapshot read(TrustSettings settings, Map<Path, Stamp> stamps, Algorithms algorithms,
            KeySnapshot previous) {
        Map<Path, KeyFolders.Key> known = new HashMap<>();
        if (previous != null) {
            previous.keys().values().forEach(k -> known.put(k.file(), k));
            previous.files().forEach((id, paths) -> paths.forEach(p -> {
                KeyFolders.Key k = previous.keys().get(id);
                if (k != null) {
                    known.putIfAbsent(p, new KeyFolders.Key(k.key(), p, previous.stamps().get(p).development()));
                }
            }));
        }
        Map<String, KeyFolders.Key> keys = new TreeMap<>();
        Map<String, List<Path>> files = new TreeMap<>();
        for (Map.Entry<Path, Stamp> entry : stamps.entrySet()) {
            Path file = entry.getKey();
            boolean development = entry.getValue().development();
            KeyFolders.Key unchanged = known.get(file);
            PublicKeys.Parsed key;
            try {
                key = unchanged != null && entry.getValue().equals(previous.stamps().get(file))
                        ? unchanged.key() : KeyFiles.readTrusted(file, algorithms);
            } catch (PluginException e) {
                LOG.warn("Ignoring {}: {}", file, e.getMessage());
                continue;
            }
            // A key the operator trusts outright wins over the same key in the development folder.
            keys.merge(key.keyId(), new KeyFolders.Key(key, file, development), (a, b) -> a.development() ? b : a);
            files.computeIfAbsent(key.keyId(), k -> new ArrayList<>()).add(file);
        }
        return new KeySnapshot(settings, Map.copyOf(stamps), keys, files);
    }

    /** What changed from this snapshot to {@code after}: keys trusted and untrusted, revoked and reinstated. */
    List<Map.Entry<String, TrustListener.Change>> changesTo(KeySnapshot after) {
        List<Map.Entry<String, TrustListener.Change>> changes = new ArrayList<>();
        appearing(keys.keySet(), after.keys().keySet(), TrustListener.Change.TRUSTED, changes);
        appearing(after.keys().keySet(), keys.keySet(), TrustListener.Change.UNTRUSTED, changes);
        appearing(settings.revoked(), after.settings().revoked(), TrustListener.Change.REVOKED, changes);
        appearing(after.settings().revoked(), settings.revoked(), TrustListener.Change.REINSTATED, changes);
        return changes;
    }

    /** Adds {@code change} for each id that is in {@code after} but not in {@code before}. */
    private static void appearing(Set<String> before, Set<String> after, TrustListener.Change change,
            List<Map.Entry<String, TrustListener.Change>> changes) {
        for (String id : after) {
            if (!before.contains(id)) {
                changes.add(Map.entry(id, change));
            }
        }
    }
}
