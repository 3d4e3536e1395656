package dev.fluent.plugin.deployer.internal;

import dev.fluent.plugin.api.PluginSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * One candidate in the watched folder, with a fingerprint of its content (sizes and modification times of
 * the files that make the plugin). Equal fingerprints in two scans in a row mean the entry is complete: a copy
 * in progress is not loaded half-written.
 */
record Entry(Path path, Kind kind, String fingerprint) {

    /** What the entry is, and so how its plugin is reached. */
    enum Kind {
        /** A plugin folder, loaded as it is. */
        FOLDER,
        /** A {@code .zip} archive of one, unpacked by {@link PluginSources}. */
        ARCHIVE,
        /** A {@code .mvn} file naming one Maven artifact, fetched and unpacked by {@link PluginSources}. */
        ARTIFACT
    }

    static final String MANIFEST = "manifest.json";
    static final String WASM = "plugin.wasm";
    static final String ARTIFACT_SUFFIX = ".mvn";
    /** A {@code .mvn} file names one location: anything longer is not one. */
    static final long MAX_ARTIFACT_FILE_BYTES = 4096;

    /** @return the entry at {@code path}, or {@code null} when it is not a plugin candidate */
    static Entry of(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (name.startsWith(".")) {
            return null;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Path manifest = path.resolve(MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                return null;
            }
            return new Entry(path, Kind.FOLDER, stamp(manifest) + "/" + stamp(path.resolve(WASM)));
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (name.endsWith(".zip")) {
            return new Entry(path, Kind.ARCHIVE, stamp(path));
        }
        if (name.endsWith(ARTIFACT_SUFFIX)) {
            return new Entry(path, Kind.ARTIFACT, stamp(path));
        }
        return null;
    }

    /**
     * Where {@link PluginSources#folder} finds the plugin: the folder or archive itself, or the one {@code mvn:}
     * location a {@code .mvn} file holds (blank lines and lines starting with {@code #} aside).
     *
     * @throws IOException naming what is wrong with a {@code .mvn} file and how to write it
     */
    String location() throws IOException {
        if (kind != Kind.ARTIFACT) {
            return path.toString();
        }
        if (Files.size(path) > MAX_ARTIFACT_FILE_BYTES) {
            throw new IOException(path.getFileName() + " is over " + MAX_ARTIFACT_FILE_BYTES + " bytes; a "
                    + ARTIFACT_SUFFIX + " file holds one line, " + usage());
        }
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        String problem = lines.isEmpty() ? "no location"
                : lines.size() > 1 ? lines.size() + " locations"
                : lines.get(0).startsWith(PluginSources.MAVEN_PREFIX) ? null
                : "'" + lines.get(0) + "', which is not a mvn: location";
        if (problem != null) {
            throw new IOException(path.getFileName() + " holds " + problem + "; write one line, " + usage()
                    + " (one file per plugin)");
        }
        return lines.get(0);
    }

    private static String usage() {
        return "mvn:<group>/<artifact>/<version>/zip";
    }

    private static String stamp(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "-";
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.size() + "@" + attributes.lastModifiedTime().toInstant();
    }
}
