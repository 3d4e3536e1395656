package dev.fluent.plugin.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {

    @TempDir
    Path temp;

    private static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @Test
    void anEntryBesideThePluginFilesIsNeverInflated() throws Exception {
        Path zip = temp.resolve("plugin.zip");
        byte[] junk = new byte[4 * 1024 * 1024];
        Arrays.fill(junk, (byte) 'x');
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            write(out, "p/junk.bin", junk);
            write(out, "p/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
            write(out, "p/plugin.wasm", WASM);
        }
        // Break the deflate stream of junk.bin (the archive's first entry, just after its local header):
        // reading through it, as a streaming reader must to reach the next entry, fails.
        byte[] bytes = Files.readAllBytes(zip);
        int data = 30 + "p/junk.bin".length();
        Arrays.fill(bytes, data, data + 64, (byte) 0xff);
        Files.write(zip, bytes);
        assertThrows(IOException.class, () -> readAllEntriesInOrder(zip), "a streaming reader trips over it");

        Path target = temp.resolve("out");
        ArchiveExtractor.extract(zip, target);
        assertArrayEquals(WASM, Files.readAllBytes(target.resolve("plugin.wasm")));
        assertEquals("{}", Files.readString(target.resolve("manifest.json")));
    }

    @Test
    void aPluginFileOverItsBoundIsRefusedWithItsName() throws Exception {
        Path zip = temp.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            write(out, "manifest.json", new byte[(int) ArchiveExtractor.MAX_MANIFEST_BYTES + 1]);
            write(out, "plugin.wasm", WASM);
        }
        IOException e = assertThrows(IOException.class, () -> ArchiveExtractor.extract(zip, temp.resolve("out")));
        assertTrue(e.getMessage().contains("manifest.json is larger than"), e.getMessage());
    }

    /** What a streaming reader does to reach the later entries: inflate every earlier one. */
    private static void readAllEntriesInOrder(Path zip) throws IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            while (in.getNextEntry() != null) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }

    private static void write(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }
}
