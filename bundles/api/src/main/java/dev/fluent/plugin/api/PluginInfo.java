package dev.fluent.plugin.api;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What the registry knows about a loaded plugin.
 *
 * @param manifest its manifest
 * @param source the folder it was loaded from
 * @param loadedAt when it was loaded
 * @param moduleBytes size of {@code plugin.wasm}
 * @param loadMillis time taken by verification and compilation
 * @param executions executions so far
 * @param failures executions that failed
 * @param interpretedFunctions functions of its module run by the interpreter because they are too large to
 *        compile (much slower than compiled code, held to the deadline all the same); -1 when the module has
 *        not been compiled yet (the registry's lazy mode compiles at the first execution)
 */
public record PluginInfo(
        PluginManifest manifest,
        Path source,
        Instant loadedAt,
        long moduleBytes,
        long loadMillis,
        long executions,
        long failures,
        int interpretedFunctions) {

    /** A plugin whose module is compiled entirely. */
    public PluginInfo(PluginManifest manifest, Path source, Instant loadedAt, long moduleBytes, long loadMillis,
            long executions, long failures) {
        this(manifest, source, loadedAt, moduleBytes, loadMillis, executions, failures, 0);
    }

    public String id() {
        return manifest.name();
    }

    /**
     * Whether the plugin was loaded with a signature that verified against a trusted key; {@code false}
     * when it was loaded unsigned, which only development mode allows.
     */
    public boolean signed() {
        return manifest.signature() != null;
    }
}
