package dev.fluent.plugin.deployer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a plugin archive: exactly one {@code manifest.json} and one {@code plugin.wasm}, at the top of
 * the archive or inside one folder. Everything else is ignored; names are never used as paths, so no entry
 * can land outside the target folder; sizes are bounded while reading, so a zip bomb stops at the bound.
 */
final class ArchiveExtractor {

    static final long MAX_MANIFEST_BYTES = 64 * 1024;
    static final long MAX_WASM_BYTES = 32L * 1024 * 1024;
    static final int MAX_ENTRIES = 1_000;

    private ArchiveExtractor() {
    }

    /** @throws IOException naming what is wrong with the archive */
    static void extract(Path archive, Path target) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new IOException("more than " + MAX_ENTRIES + " entries");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().replace('\\', '/');
                String[] parts = name.split("/");
                if (parts.length > 2) {
                    continue;
                }
                String base = parts[parts.length - 1];
                long max;
                if (Entry.MANIFEST.equals(base)) {
                    max = MAX_MANIFEST_BYTES;
                } else if (Entry.WASM.equals(base)) {
                    max = MAX_WASM_BYTES;
                } else {
                    continue;
                }
                if (files.containsKey(base)) {
                    throw new IOException("more than one " + base);
                }
                files.put(base, readBounded(zip, max, base));
            }
        }
        for (String required : new String[] {Entry.MANIFEST, Entry.WASM}) {
            if (!files.containsKey(required)) {
                throw new IOException("no " + required + " at the top of the archive or in its one folder");
            }
        }
        Files.createDirectories(target);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(target.resolve(file.getKey()), file.getValue());
        }
    }

    private static byte[] readBounded(InputStream in, long max, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) max + 1);
        if (bytes.length > max) {
            throw new IOException(name + " is larger than " + max + " bytes");
        }
        return bytes;
    }
}
