package dev.fluent.plugin.cluster.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The bytes a node shares for a plugin: a zip of exactly its {@code manifest.json} and {@code plugin.wasm}, with
 * fixed entry times, so the same plugin gives the same archive on every node. Nodes unpack it through {@code
 * PluginSources}, with the same bounds as any archive.
 */
final class PluginArchives {

    static final String MANIFEST = "manifest.json";
    static final String WASM = "plugin.wasm";
    private static final long ENTRY_TIME = 315_619_200_000L;

    private PluginArchives() {
    }

    static byte[] zip(byte[] manifest, byte[] wasm) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(wasm.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : new String[] {MANIFEST, WASM}) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(MANIFEST.equals(name) ? manifest : wasm);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
