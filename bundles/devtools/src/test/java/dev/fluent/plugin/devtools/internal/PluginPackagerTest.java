package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.devtools.CommandFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginPackagerTest {

    private static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @TempDir
    Path temp;

    private Path plugin(String checksum) throws Exception {
        Path folder = Files.createDirectories(temp.resolve("echo"));
        Files.write(folder.resolve("plugin.wasm"), WASM);
        Files.writeString(folder.resolve("manifest.json"), "{\"name\":\"echo\",\"version\":\"1.2.3\","
                + "\"description\":\"a <b> & c\",\"engine_type\":\"echo\",\"checksum\":\"" + checksum + "\"}");
        Files.writeString(folder.resolve("README.md"), "not packaged");
        return folder;
    }

    @Test
    void writesTheTwoFilesAndAPomNamedByTheManifest() throws Exception {
        Path folder = plugin(PluginPackager.sha256(WASM));
        PluginPackager.Packaged packaged = PluginPackager.write(folder, "org.example.plugins", temp.resolve("out"));
        assertEquals(temp.resolve("out/echo-1.2.3.zip"), packaged.archive());
        assertEquals("mvn:org.example.plugins/echo/1.2.3/zip", packaged.location());
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(packaged.archive().toFile())) {
            zip.stream().map(ZipEntry::getName).forEach(names::add);
            assertArrayEquals(WASM, zip.getInputStream(zip.getEntry("plugin.wasm")).readAllBytes());
        }
        assertEquals(List.of("manifest.json", "plugin.wasm"), names);
        String pom = Files.readString(packaged.pom(), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<groupId>org.example.plugins</groupId>"), pom);
        assertTrue(pom.contains("<artifactId>echo</artifactId>"), pom);
        assertTrue(pom.contains("<version>1.2.3</version>"), pom);
        assertTrue(pom.contains("<packaging>zip</packaging>"), pom);
        assertTrue(pom.contains("a &lt;b&gt; &amp; c"), pom);
    }

    @Test
    void theSamePluginGivesTheSameBytes() throws Exception {
        Path folder = plugin(PluginPackager.sha256(WASM));
        byte[] first = Files.readAllBytes(PluginPackager.write(folder, "g", temp.resolve("a")).archive());
        Files.setLastModifiedTime(folder.resolve("plugin.wasm"), java.nio.file.attribute.FileTime.fromMillis(0));
        byte[] second = Files.readAllBytes(PluginPackager.write(folder, "g", temp.resolve("b")).archive());
        assertArrayEquals(first, second);
    }

    @Test
    void refusesAModuleTheManifestDoesNotName() throws Exception {
        Path folder = plugin("00".repeat(32));
        CommandFailure e = assertThrows(CommandFailure.class,
                () -> PluginPackager.write(folder, "org.example", temp.resolve("out")));
        assertTrue(e.getMessage().startsWith("CHECKSUM_MISMATCH: "), e.getMessage());
        assertTrue(e.getMessage().contains("fluent-plugin sign"), e.getMessage());
        assertTrue(Files.notExists(temp.resolve("out/echo-1.2.3.zip")));
    }

    @Test
    void refusesABadGroupAndAFolderWithoutAModule() throws Exception {
        Path folder = plugin(PluginPackager.sha256(WASM));
        assertTrue(assertThrows(CommandFailure.class, () -> PluginPackager.write(folder, "org/../x", temp))
                .getMessage().startsWith("BAD_REQUEST: "));
        Files.delete(folder.resolve("plugin.wasm"));
        assertTrue(assertThrows(CommandFailure.class, () -> PluginPackager.write(folder, "g", temp))
                .getMessage().startsWith("WASM_MISSING: "));
    }
}
