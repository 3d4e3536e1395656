package dev.fluent.plugin.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.sources.internal.PluginSourceService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher's decisions, against a registry that records what it is asked to do. The registry reads
 * the plugin id from the folder's manifest.json, whose whole content is the id here.
 */
class PluginFolderWatcherTest {

    @TempDir
    Path temp;

    private final List<String> calls = new ArrayList<>();
    private final Map<String, Path> loaded = new LinkedHashMap<>();

    private final PluginRegistry registry = new PluginRegistry() {
        @Override
        public PluginInfo load(Path folder) throws PluginException {
            return load(folder, true);
        }

        @Override
        public PluginInfo load(Path folder, boolean remember) throws PluginException {
            String id = idOf(folder);
            calls.add("load " + id + (remember ? "" : " (not remembered)"));
            loaded.put(id, folder);
            return info(id, folder);
        }

        @Override
        public PluginInfo reload(String pluginId) throws PluginException {
            return reload(pluginId, loaded.get(pluginId));
        }

        @Override
        public PluginInfo reload(String pluginId, Path folder) throws PluginException {
            calls.add("reload " + pluginId);
            loaded.put(pluginId, folder);
            return info(pluginId, folder);
        }

        @Override
        public void unload(String pluginId) {
            calls.add("unload " + pluginId);
            loaded.remove(pluginId);
        }

        @Override
        public List<PluginInfo> list() {
            return List.of();
        }

        @Override
        public Optional<PluginInfo> find(String pluginId) {
            Path folder = loaded.get(pluginId);
            return folder == null ? Optional.empty() : Optional.of(info(pluginId, folder));
        }

        @Override
        public Optional<PluginStats> stats(String pluginId) {
            return Optional.empty();
        }

        @Override
        public EngineResponse execute(String pluginId, EngineRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.CompletionStage<EngineResponse> executeAsync(String pluginId,
                EngineRequest request) {
            throw new UnsupportedOperationException(); // the watcher loads, reloads and unloads only
        }
    };

    private static String idOf(Path folder) throws PluginException {
        try {
            String id = Files.readString(folder.resolve("manifest.json")).trim();
            if (id.equals("broken")) {
                throw new PluginException(ErrorCode.MANIFEST_INVALID, null, "broken on purpose");
            }
            return id;
        } catch (IOException e) {
            throw new PluginException(ErrorCode.MANIFEST_MISSING, null, e.toString());
        }
    }

    private static PluginInfo info(String id, Path folder) {
        PluginManifest manifest = new PluginManifest(id, "1.0.0", "", "", "test", Set.of(), Permissions.DEFAULTS,
                null, null, null, null);
        return new PluginInfo(manifest, folder, Instant.now(), 0, 0, 0, 0);
    }

    private Path plugins() throws IOException {
        return Files.createDirectories(temp.resolve("plugins"));
    }

    /** mvn: locations and the archive a Maven repository would give for each. */
    private final Map<String, Path> repository = new LinkedHashMap<>();

    /**
     * The real archive handling (archives unpacked under temp/data); a mvn: location is served from {@link
     * #repository}, as pax-url would fetch it from a Maven repository.
     */
    private PluginSources sources() {
        System.setProperty("karaf.data", temp.resolve("data").toString());
        PluginSources real = new PluginSourceService();
        return location -> {
            if (!location.startsWith(PluginSources.MAVEN_PREFIX)) {
                return real.folder(location);
            }
            Path archive = repository.get(location);
            if (archive == null) {
                throw new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, "no artifact " + location);
            }
            return real.folder(archive.toString());
        };
    }

    private PluginFolderWatcher watcher() throws IOException {
        return new PluginFolderWatcher(registry, sources(), plugins(), 0);
    }

    private Path pluginFolder(String name, String id) throws IOException {
        Path folder = Files.createDirectories(plugins().resolve(name));
        Files.writeString(folder.resolve("manifest.json"), id);
        Files.write(folder.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm'});
        return folder;
    }

    private void touch(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(calls.size() + 5)));
    }

    @Test
    void createsAMissingWatchedFolderAndLeavesAnExistingOneAlone() throws Exception {
        Path missing = temp.resolve("karaf").resolve("plugins");
        PluginFolderWatcher.createIfMissing(missing);
        assertTrue(Files.isDirectory(missing), "created with its parents");
        Path kept = Files.writeString(missing.resolve("note.txt"), "kept");
        PluginFolderWatcher.createIfMissing(missing);
        assertEquals("kept", Files.readString(kept), "an existing folder keeps what it holds");
    }

    @Test
    void loadsANewFolderOnceItIsStable() throws Exception {
        PluginFolderWatcher watcher = watcher();
        pluginFolder("echo", "echo");
        watcher.scan();
        assertEquals(List.of(), calls, "first sighting: it may still be being copied");
        watcher.scan();
        assertEquals(List.of("load echo (not remembered)"), calls);
        watcher.scan();
        assertEquals(1, calls.size(), "nothing changed, nothing done");
    }

    @Test
    void reloadsAChangedFolderAndUnloadsARemovedOne() throws Exception {
        PluginFolderWatcher watcher = watcher();
        Path folder = pluginFolder("echo", "echo");
        watcher.scan();
        watcher.scan();
        touch(folder.resolve("plugin.wasm"), "new version");
        watcher.scan();
        watcher.scan();
        Files.delete(folder.resolve("plugin.wasm"));
        Files.delete(folder.resolve("manifest.json"));
        Files.delete(folder);
        watcher.scan();
        assertEquals(List.of("load echo (not remembered)", "reload echo", "unload echo"), calls);
    }

    @Test
    void triesAFailedVersionOnlyAgainWhenItChanges() throws Exception {
        PluginFolderWatcher watcher = watcher();
        Path folder = pluginFolder("bad", "broken");
        watcher.scan();
        watcher.scan();
        watcher.scan();
        assertTrue(calls.isEmpty(), calls.toString());
        touch(folder.resolve("manifest.json"), "fixed");
        watcher.scan();
        watcher.scan();
        assertEquals(List.of("load fixed (not remembered)"), calls);
    }

    @Test
    void deploysAZipArchiveByUnpackingOnlyThePluginFiles() throws Exception {
        PluginFolderWatcher watcher = watcher();
        Path zip = archive(plugins().resolve("packed.zip"), "packed", "wasm");
        watcher.scan();
        watcher.scan();
        assertEquals(List.of("load packed (not remembered)"), calls);
        Path unpacked = loaded.get("packed");
        assertTrue(unpacked.startsWith(temp.resolve("data")), unpacked.toString());
        assertEquals("wasm", Files.readString(unpacked.resolve("plugin.wasm")));
        assertTrue(Files.notExists(temp.resolve("evil.txt")) && Files.notExists(temp.getParent().resolve("evil.txt")));
        Files.delete(zip);
        watcher.scan();
        assertEquals("unload packed", calls.get(calls.size() - 1));
    }

    @Test
    void deploysTheArtifactAMvnFileNamesAndReloadsWhenItNamesAnother() throws Exception {
        repository.put("mvn:com.example/report/1.0.0/zip", archive(temp.resolve("report-1.0.0.zip"), "report", "v1"));
        repository.put("mvn:com.example/report/1.1.0/zip", archive(temp.resolve("report-1.1.0.zip"), "report", "v2"));
        PluginFolderWatcher watcher = watcher();
        Path file = plugins().resolve("report.mvn");
        Files.writeString(file, "# the report plugin\nmvn:com.example/report/1.0.0/zip\n");
        watcher.scan();
        watcher.scan();
        assertEquals(List.of("load report (not remembered)"), calls);
        assertEquals("v1", Files.readString(loaded.get("report").resolve("plugin.wasm")));

        touch(file, "mvn:com.example/report/1.1.0/zip");
        watcher.scan();
        watcher.scan();
        assertEquals(List.of("load report (not remembered)", "reload report"), calls);
        assertEquals("v2", Files.readString(loaded.get("report").resolve("plugin.wasm")));

        Files.delete(file);
        watcher.scan();
        assertEquals("unload report", calls.get(calls.size() - 1));
    }

    @Test
    void aMvnFileThatNamesNoArtifactIsNotDeployedAndKeepsTheOldVersion() throws Exception {
        repository.put("mvn:com.example/report/1.0.0/zip", archive(temp.resolve("report-1.0.0.zip"), "report", "v1"));
        PluginFolderWatcher watcher = watcher();
        List<AuditEvent> audited = new ArrayList<>();
        watcher.addSink(audited::add);
        Path file = plugins().resolve("report.mvn");
        Files.writeString(file, "mvn:com.example/report/1.0.0/zip");
        watcher.scan();
        watcher.scan();
        for (String broken : List.of("", "../elsewhere/plugin-folder", "mvn:a/b/1/zip\nmvn:a/c/1/zip",
                "mvn:com.example/report/9.9.9/zip")) {
            touch(file, broken);
            watcher.scan();
            watcher.scan();
        }
        assertEquals(List.of("load report (not remembered)"), calls, "nothing but the first version was loaded");
        assertEquals("v1", Files.readString(loaded.get("report").resolve("plugin.wasm")), "it keeps serving");
        assertEquals(3, audited.size(), "each file that names no single artifact is audited: " + audited);
        for (AuditEvent refusal : audited) {
            assertEquals(AuditActions.FETCH, refusal.action());
            assertEquals(file.toString(), refusal.resource());
            assertTrue(refusal.error().startsWith("ARTIFACT_UNAVAILABLE: report.mvn holds "), refusal.error());
        }
    }

    @Test
    void aMvnFileSaysWhatItMustHold() throws Exception {
        Path file = Files.writeString(plugins().resolve("x.mvn"), "plugins/echo\n");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> Entry.of(file).location());
        assertEquals("x.mvn holds 'plugins/echo', which is not a mvn: location; write one line,"
                + " mvn:<group>/<artifact>/<version>/zip (one file per plugin)", e.getMessage());
    }

    /** A zip holding the plugin files in a folder, and an entry that tries to escape. */
    private static Path archive(Path zip, String id, String wasm) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            entry(out, id + "/manifest.json", id);
            entry(out, id + "/plugin.wasm", wasm);
            entry(out, "../../evil.txt", "never written");
        }
        return zip;
    }

    @Test
    void ignoresFilesThatAreNotPlugins() throws Exception {
        PluginFolderWatcher watcher = watcher();
        Files.writeString(plugins().resolve("notes.txt"), "hello");
        Files.createDirectories(plugins().resolve("empty"));
        watcher.scan();
        watcher.scan();
        assertTrue(calls.isEmpty());
    }

    private static void entry(ZipOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        OutputStream o = out;
        o.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
