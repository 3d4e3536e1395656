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
 * @param unavailableCapability a capability the plugin is granted whose provider is not running now, so the
 *        plugin is suspended (its executions fail with {@code CAPABILITY_UNAVAILABLE}) until one starts;
 *        {@code null} while it serves
 * @param warmup what its load's warm-up did, or {@code null} if it had none (its manifest declares no {@code warmup}
 *        payloads, or the operator's {@code warmup_budget_ms} is 0)
 */
public record PluginInfo(
        PluginManifest manifest,
        Path source,
        Instant loadedAt,
        long moduleBytes,
        long loadMillis,
        long executions,
        long failures,
        int interpretedFunctions,
        String unavailableCapability,
        WarmupReport warmup) {

    /** The state of a plugin that executes: {@link #state()}. */
    public static final String SERVING = "serving";

    /** The state of a plugin waiting for a capability provider: {@link #state()}. */
    public static final String SUSPENDED = "suspended";

    /** A plugin loaded without a warm-up. */
    public PluginInfo(PluginManifest manifest, Path source, Instant loadedAt, long moduleBytes, long loadMillis,
            long executions, long failures, int interpretedFunctions, String unavailableCapability) {
        this(manifest, source, loadedAt, moduleBytes, loadMillis, executions, failures, interpretedFunctions,
                unavailableCapability, null);
    }

    /** A plugin that serves. */
    public PluginInfo(PluginManifest manifest, Path source, Instant loadedAt, long moduleBytes, long loadMillis,
            long executions, long failures, int interpretedFunctions) {
        this(manifest, source, loadedAt, moduleBytes, loadMillis, executions, failures, interpretedFunctions, null,
                null);
    }

    /** A plugin that serves, its module compiled entirely. */
    public PluginInfo(PluginManifest manifest, Path source, Instant loadedAt, long moduleBytes, long loadMillis,
            long executions, long failures) {
        this(manifest, source, loadedAt, moduleBytes, loadMillis, executions, failures, 0, null, null);
    }

    /** {@link #SERVING}, or {@link #SUSPENDED} while {@link #unavailableCapability()} has no provider. */
    public String state() {
        return unavailableCapability == null ? SERVING : SUSPENDED;
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
