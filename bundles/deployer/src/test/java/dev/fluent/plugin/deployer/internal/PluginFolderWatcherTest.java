package dev.fluent.plugin.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
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

    private PluginFolderWatcher watcher() throws IOException {
        return new PluginFolderWatcher(registry, plugins(), temp.resolve("unpacked"), 0);
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
        Path zip = plugins().resolve("packed.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            entry(out, "packed/manifest.json", "packed");
            entry(out, "packed/plugin.wasm", "wasm");
            entry(out, "../../evil.txt", "never written");
        }
        watcher.scan();
        watcher.scan();
        assertEquals(List.of("load packed (not remembered)"), calls);
        Path unpacked = loaded.get("packed");
        assertTrue(unpacked.startsWith(temp.resolve("unpacked")), unpacked.toString());
        assertEquals("wasm", Files.readString(unpacked.resolve("plugin.wasm")));
        assertTrue(Files.notExists(temp.resolve("evil.txt")) && Files.notExists(temp.getParent().resolve("evil.txt")));
        Files.delete(zip);
        watcher.scan();
        assertEquals("unload packed", calls.get(calls.size() - 1));
        assertTrue(Files.notExists(unpacked), "the unpacked copy is removed with the archive");
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
