package dev.fluent.plugin.sources.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a plugin archive: exactly one {@code manifest.json} and one {@code plugin.wasm}, at the top of the
 * archive or inside one folder. Everything else is ignored and never even inflated: the entries are chosen from
 * the archive's central directory and only those two are read, so a huge or broken entry beside them costs
 * nothing. Names are never used as paths, so no entry can land outside the target folder; sizes are bounded
 * while inflating (a declared size can lie), so a zip bomb stops at the bound.
 */
final class PluginArchive {

    static final String MANIFEST = "manifest.json";
    static final String WASM = "plugin.wasm";
    /** As the load pipeline bounds the files it reads from a folder. */
    static final long MAX_MANIFEST_BYTES = 64 * 1024;
    static final long MAX_WASM_BYTES = 32L * 1024 * 1024;
    static final int MAX_ENTRIES = 1_000;
    /** The largest archive fetched or opened: the two files stored, plus room for the zip's own records. */
    static final long MAX_ARCHIVE_BYTES = MAX_WASM_BYTES + MAX_MANIFEST_BYTES + 1024 * 1024;

    private PluginArchive() {
    }

    /**
     * Writes the archive's {@code manifest.json} and {@code plugin.wasm} into {@code target} (created).
     *
     * @param name how the archive is named in errors (its path, or the {@code mvn:} location it came from)
     * @throws PluginException {@link ErrorCode#ARCHIVE_INVALID} naming what is wrong
     */
    static void extract(Path archive, String name, Path target) throws PluginException {
        Map<String, byte[]> files = new HashMap<>();
        try {
            if (Files.size(archive) > MAX_ARCHIVE_BYTES) {
                throw invalid(name, "it is larger than " + MAX_ARCHIVE_BYTES + " bytes");
            }
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                if (zip.size() > MAX_ENTRIES) {
                    throw invalid(name, "it has " + zip.size() + " entries, more than " + MAX_ENTRIES);
                }
                for (Map.Entry<String, ZipEntry> file : chosen(zip, name).entrySet()) {
                    long max = MANIFEST.equals(file.getKey()) ? MAX_MANIFEST_BYTES : MAX_WASM_BYTES;
                    try (InputStream in = zip.getInputStream(file.getValue())) {
                        files.put(file.getKey(), readBounded(in, max, file.getKey(), name));
                    }
                }
            }
        } catch (ZipException e) {
            throw invalid(name, "it is not a readable zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw invalid(name, "it could not be read (" + e + ")");
        }
        for (String required : new String[] {MANIFEST, WASM}) {
            if (!files.containsKey(required)) {
                throw invalid(name, "it holds no " + required + " at its top or in its one folder; make it with "
                        + "'fluent-plugin package <plugin folder>'");
            }
        }
        try {
            Files.createDirectories(target);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(target.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "could not unpack " + name + " into " + target
                    + ": " + e, e);
        }
    }

    /** The two entries taken, by their base name; a second one of either is an error, not a silent choice. */
    private static Map<String, ZipEntry> chosen(ZipFile zip, String name) throws PluginException {
        Map<String, ZipEntry> chosen = new HashMap<>();
        for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements();) {
            ZipEntry entry = all.nextElement();
            if (entry.isDirectory()) {
                continue;
            }
            String[] parts = entry.getName().replace('\\', '/').split("/");
            String base = parts[parts.length - 1];
            if (parts.length > 2 || !(MANIFEST.equals(base) || WASM.equals(base))) {
                continue;
            }
            if (chosen.put(base, entry) != null) {
                throw invalid(name, "it holds more than one " + base);
            }
        }
        return chosen;
    }

    private static byte[] readBounded(InputStream in, long max, String file, String name)
            throws IOException, PluginException {
        byte[] bytes = in.readNBytes((int) max + 1);
        if (bytes.length > max) {
            throw invalid(name, "its " + file + " is larger than " + max + " bytes");
        }
        return bytes;
    }

    static PluginException invalid(String name, String why) {
        return new PluginException(ErrorCode.ARCHIVE_INVALID, null, "plugin archive " + name + " refused: " + why);
    }
}
