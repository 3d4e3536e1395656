package dev.fluent.plugin.sources.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSourceServiceTest {

    private static final byte[] MANIFEST = "{\"name\":\"echo\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @TempDir
    Path temp;

    private final Map<String, byte[]> repository = new HashMap<>();
    private final List<AuditEvent> audited = new ArrayList<>();

    private PluginSourceService service() {
        PluginSourceService service = new PluginSourceService(temp.resolve("archives"), url -> {
            byte[] bytes = repository.get(url);
            if (bytes == null) {
                throw new FileNotFoundException("Could not find artifact " + url + " in local (file:/repo)");
            }
            return new ByteArrayInputStream(bytes);
        });
        service.addSink(audited::add);
        return service;
    }

    @Test
    void fetchesAnArtifactAndTakesOnlyTheTwoFiles() throws Exception {
        repository.put("mvn:org.example/echo/1.0.0/zip", zip(Map.of("echo/manifest.json", MANIFEST,
                "echo/plugin.wasm", WASM, "echo/README.md", new byte[10])));
        Path folder = service().folder("mvn:org.example/echo/1.0.0/zip");
        assertArrayEquals(MANIFEST, Files.readAllBytes(folder.resolve("manifest.json")));
        assertArrayEquals(WASM, Files.readAllBytes(folder.resolve("plugin.wasm")));
        try (var files = Files.list(folder)) {
            assertEquals(2, files.count());
        }
        assertTrue(audited.get(0).success());
        assertEquals("fetch", audited.get(0).action());
        assertEquals(folder.getFileName().toString(), audited.get(0).details().get("sha256"));
    }

    @Test
    void sameBytesGiveTheSameFolder() throws Exception {
        byte[] archive = zip(Map.of("manifest.json", MANIFEST, "plugin.wasm", WASM));
        repository.put("mvn:org.example/echo/1.0.0/zip", archive);
        Path file = Files.write(temp.resolve("echo.zip"), archive);
        PluginSourceService service = service();
        assertEquals(service.folder("mvn:org.example/echo/1.0.0/zip"), service.folder(file.toString()));
    }

    @Test
    void refusesAnArtifactNoRepositoryHolds() {
        PluginException e = assertThrows(PluginException.class, () -> service().folder("mvn:org.example/nope/1/zip"));
        assertEquals(ErrorCode.ARTIFACT_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("Could not find artifact"), e.getMessage());
        assertTrue(e.getMessage().contains("etc/org.ops4j.pax.url.mvn.cfg"), e.getMessage());
        assertFalse(audited.get(0).success());
    }

    @Test
    void refusesAnotherTypeAndARepositoryInsideTheLocation() {
        PluginException jar = assertThrows(PluginException.class, () -> service().folder("mvn:org.example/echo/1/jar"));
        assertEquals(ErrorCode.ARTIFACT_UNAVAILABLE, jar.code());
        assertTrue(jar.getMessage().contains("mvn:org.example/echo/1/zip"), jar.getMessage());
        PluginException inline = assertThrows(PluginException.class,
                () -> service().folder("mvn:https://evil.example!org.example/echo/1/zip"));
        assertEquals(ErrorCode.ARTIFACT_UNAVAILABLE, inline.code());
    }

    @Test
    void refusesAnArchiveWithoutTheModule() throws Exception {
        repository.put("mvn:g/a/1/zip", zip(Map.of("manifest.json", MANIFEST)));
        PluginException e = assertThrows(PluginException.class, () -> service().folder("mvn:g/a/1/zip"));
        assertEquals(ErrorCode.ARCHIVE_INVALID, e.code());
        assertTrue(e.getMessage().contains("no plugin.wasm"), e.getMessage());
    }

    @Test
    void refusesTwoManifests() throws Exception {
        repository.put("mvn:g/a/1/zip", zip(Map.of("manifest.json", MANIFEST, "x/manifest.json", MANIFEST,
                "plugin.wasm", WASM)));
        PluginException e = assertThrows(PluginException.class, () -> service().folder("mvn:g/a/1/zip"));
        assertTrue(e.getMessage().contains("more than one manifest.json"), e.getMessage());
    }

    @Test
    void stopsAZipBombAtTheBound() throws Exception {
        // 33 MiB of zeros compress to a few dozen KiB: the bound holds while inflating.
        repository.put("mvn:g/a/1/zip", zip(Map.of("manifest.json", MANIFEST,
                "plugin.wasm", new byte[33 * 1024 * 1024])));
        PluginException e = assertThrows(PluginException.class, () -> service().folder("mvn:g/a/1/zip"));
        assertEquals(ErrorCode.ARCHIVE_INVALID, e.code());
        assertTrue(e.getMessage().contains("plugin.wasm is larger than"), e.getMessage());
    }

    @Test
    void stopsADownloadLargerThanAnyPluginArchive() {
        PluginSourceService service = new PluginSourceService(temp.resolve("archives"), url -> new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        });
        PluginException e = assertThrows(PluginException.class, () -> service.folder("mvn:g/a/1/zip"));
        assertEquals(ErrorCode.ARCHIVE_INVALID, e.code());
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void refusesAFileThatIsNotAZip() throws IOException {
        Path file = Files.write(temp.resolve("broken.zip"), "not a zip".getBytes(StandardCharsets.UTF_8));
        PluginException e = assertThrows(PluginException.class, () -> service().folder(file.toString()));
        assertEquals(ErrorCode.ARCHIVE_INVALID, e.code());
        assertTrue(e.getMessage().contains("not a readable zip"), e.getMessage());
    }

    @Test
    void aMissingArchiveIsNotFoundAndAFolderIsTakenAsItIs() throws Exception {
        assertEquals(ErrorCode.PLUGIN_NOT_FOUND,
                assertThrows(PluginException.class, () -> service().folder(temp.resolve("gone.zip").toString())).code());
        assertEquals(temp, service().folder(temp.toString()));
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
