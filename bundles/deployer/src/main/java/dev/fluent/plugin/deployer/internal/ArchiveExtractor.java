package dev.fluent.plugin.deployer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a plugin archive: exactly one {@code manifest.json} and one {@code plugin.wasm}, at the top of
 * the archive or inside one folder. Everything else is ignored and never even inflated: the entries are
 * chosen from the archive's central directory and only those two are read, so a huge or broken entry
 * beside them costs nothing. Names are never used as paths, so no entry can land outside the target
 * folder; sizes are bounded while reading, so a zip bomb stops at the bound.
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
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw new IOException(zip.size() + " entries, more than " + MAX_ENTRIES);
            }
            Map<String, ZipEntry> chosen = new HashMap<>();
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements();) {
                ZipEntry entry = all.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String[] parts = entry.getName().replace('\\', '/').split("/");
                String base = parts[parts.length - 1];
                if (parts.length > 2 || !(Entry.MANIFEST.equals(base) || Entry.WASM.equals(base))) {
                    continue;
                }
                if (chosen.put(base, entry) != null) {
                    throw new IOException("more than one " + base);
                }
            }
            for (Map.Entry<String, ZipEntry> file : chosen.entrySet()) {
                long max = Entry.MANIFEST.equals(file.getKey()) ? MAX_MANIFEST_BYTES : MAX_WASM_BYTES;
                try (InputStream in = zip.getInputStream(file.getValue())) {
                    files.put(file.getKey(), readBounded(in, max, file.getKey()));
                }
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
