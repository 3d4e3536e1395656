package dev.fluent.plugin.runtime.internal.load;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/** The two files of a plugin folder, read with their size bounds. */
public final class PluginFiles {

    public static final String MANIFEST_FILE = "manifest.json";
    public static final String WASM_FILE = "plugin.wasm";
    /** Largest manifest read; the parser enforces its own bound on what it reads. */
    public static final long MAX_MANIFEST_BYTES = 64 * 1024;
    /** Largest module accepted. */
    public static final long MAX_WASM_BYTES = 32L * 1024 * 1024;

    private PluginFiles() {
    }

    /** The bytes of {@code manifest.json}: PLUGIN_NOT_FOUND, MANIFEST_MISSING or MANIFEST_INVALID (too large). */
    public static byte[] manifest(Path folder) throws PluginException {
        if (!Files.isDirectory(folder)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null,
                    folder + " is not a plugin folder (expected a folder holding manifest.json and plugin.wasm)");
        }
        Path manifestFile = folder.resolve(MANIFEST_FILE);
        if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new PluginException(ErrorCode.MANIFEST_MISSING, null, "no " + MANIFEST_FILE + " in " + folder);
        }
        return readBounded(manifestFile, MAX_MANIFEST_BYTES, ErrorCode.MANIFEST_INVALID, null);
    }

    /** The bytes of {@code plugin.wasm}: WASM_MISSING, or WASM_INVALID when it is too large. */
    public static byte[] module(Path folder, String pluginId) throws PluginException {
        Path wasmFile = folder.resolve(WASM_FILE);
        if (!Files.exists(wasmFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new PluginException(ErrorCode.WASM_MISSING, pluginId, "no " + WASM_FILE + " in " + folder);
        }
        return readBounded(wasmFile, MAX_WASM_BYTES, ErrorCode.WASM_INVALID, pluginId);
    }

    /**
     * Reads a plugin file that must be a regular file of the folder itself: a symbolic link (which could show
     * another file's content in errors and the audit log) or a FIFO or device (which could block the reader)
     * is refused. The file is opened without following links, so a link swapped in after the check fails too.
     */
    private static byte[] readBounded(Path file, long max, ErrorCode invalid, String id) throws PluginException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new PluginException(invalid, id, file.getFileName() + " in " + file.getParent() + " is "
                        + (attributes.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                        + "; a plugin folder must hold the file itself");
            }
            try (SeekableByteChannel channel = Files.newByteChannel(file, Set.of(StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS))) {
                long size = channel.size();
                if (size > max) {
                    throw new PluginException(invalid, id, file.getFileName() + " is " + size
                            + " bytes, above the platform's limit of " + max);
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) size);
                while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                    // read until full or the end
                }
                return bytes.hasRemaining() ? Arrays.copyOf(bytes.array(), bytes.position()) : bytes.array();
            }
        } catch (IOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, id, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
