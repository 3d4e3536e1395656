package dev.fluent.plugin.devtools.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.inspect.PluginInspection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/** The example plugins as unsigned copies, and the devtools wired by hand in development mode. */
final class Plugins {

    static final ManifestParser PARSER = new JsonManifestParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Plugins() {
    }

    static PluginInspection inspector(boolean developmentMode) {
        return new PluginInspection(PARSER, Map.of("development.mode", Boolean.toString(developmentMode)));
    }

    static DevToolsService devtools(boolean developmentMode) {
        return new DevToolsService(inspector(developmentMode), PARSER, Clock.systemUTC());
    }

    static Path example(String name) {
        String dir = System.getProperty("fluent.examples.dir", "../../examples");
        return Path.of(dir).resolve(name).toAbsolutePath().normalize();
    }

    /** An unsigned copy of an example plugin, its manifest edited. */
    static Path copy(String example, Path target, Consumer<ObjectNode> edit) {
        try {
            Files.createDirectories(target);
            Files.copy(example(example).resolve("plugin.wasm"), target.resolve("plugin.wasm"));
            ObjectNode manifest = (ObjectNode) JSON.readTree(example(example).resolve("manifest.json").toFile());
            manifest.remove("signature");
            edit.accept(manifest);
            JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve("manifest.json").toFile(), manifest);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(String example, Path target) {
        return copy(example, target, m -> { });
    }
}
