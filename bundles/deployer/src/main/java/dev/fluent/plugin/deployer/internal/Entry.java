package dev.fluent.plugin.deployer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One candidate in the watched folder, a plugin folder or a {@code .zip}, with a fingerprint of its
 * content (sizes and modification times of the files that make the plugin). Equal fingerprints in two
 * scans in a row mean the entry is complete: a copy in progress is not loaded half-written.
 */
record Entry(Path path, boolean archive, String fingerprint) {

    static final String MANIFEST = "manifest.json";
    static final String WASM = "plugin.wasm";

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
            return new Entry(path, false, stamp(manifest) + "/" + stamp(path.resolve(WASM)));
        }
        if (name.endsWith(".zip") && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Entry(path, true, stamp(path));
        }
        return null;
    }

    private static String stamp(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "-";
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.size() + "@" + attributes.lastModifiedTime().toInstant();
    }
}
