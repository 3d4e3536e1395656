package dev.fluent.plugin.runtime.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The repository's example plugins, and copies of them a test may change. */
final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static Path examples() {
        String dir = System.getProperty("fluent.examples.dir");
        Path path = dir != null ? Path.of(dir) : Path.of("../../examples");
        return path.toAbsolutePath().normalize();
    }

    static Path echo() {
        return examples().resolve("echo");
    }

    static Path hostile(String name) {
        return examples().resolve("hostile").resolve(name);
    }

    /** Copies {@code manifest.json} and {@code plugin.wasm} of a plugin folder into {@code target}. */
    static Path copy(Path plugin, Path target) {
        try {
            Files.createDirectories(target);
            Files.copy(plugin.resolve("manifest.json"), target.resolve("manifest.json"));
            Files.copy(plugin.resolve("plugin.wasm"), target.resolve("plugin.wasm"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites a copied plugin's manifest. */
    static void editManifest(Path folder, Consumer<ObjectNode> edit) {
        try {
            Path file = folder.resolve("manifest.json");
            ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(manifest);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces a copied plugin's module and sets the manifest's checksum to match it. */
    static void replaceWasm(Path folder, byte[] wasm) {
        try {
            Files.write(folder.resolve("plugin.wasm"), wasm);
            editManifest(folder, m -> m.put("checksum", PluginLoader.sha256(wasm)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
