package dev.fluent.plugin.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Loads, lists, runs and unloads plugins. The shell and the deployer are thin front ends to it. */
@org.osgi.annotation.versioning.ProviderType
public interface PluginRegistry {

    /**
     * Runs every load check, compiles the module and registers the plugin's {@link Engine} service.
     *
     * @param folder a plugin folder holding {@code manifest.json} and {@code plugin.wasm}
     * @throws PluginException naming the check that failed; nothing is registered then
     */
    PluginInfo load(Path folder) throws PluginException;

    /**
     * Loads a plugin, remembered across restarts of the container or not.
     *
     * @param remember whether the platform loads it again after a restart ({@link #load(Path)} does); the
     *        watched plugin folder passes {@code false}, as it finds its plugins again by itself
     */
    PluginInfo load(Path folder, boolean remember) throws PluginException;

    /**
     * Replaces a loaded plugin by the version now in its folder. The new version passes every load check
     * and is compiled before it replaces the old one, atomically: executions in flight finish on the old
     * version, later ones run on the new. If any check fails, the old version keeps serving.
     */
    PluginInfo reload(String pluginId) throws PluginException;

    /** As {@link #reload(String)}, with the new version taken from {@code folder}. */
    PluginInfo reload(String pluginId, Path folder) throws PluginException;

    /** Unregisters the plugin's service; executions in flight finish. */
    void unload(String pluginId) throws PluginException;

    List<PluginInfo> list();

    Optional<PluginInfo> find(String pluginId);

    /** What a loaded plugin has done: executions, failures by kind, latency percentiles, memory, bytes. */
    Optional<PluginStats> stats(String pluginId);

    /** Runs one request through a loaded plugin; the same path its {@link Engine} service takes. */
    EngineResponse execute(String pluginId, EngineRequest request) throws PluginException;

    /**
     * Runs one request through a loaded plugin without blocking the caller; the same path, and the same
     * contract, as its {@link Engine#executeAsync(EngineRequest)}: the same checks, limits, audit entry and
     * statistics as {@link #execute(String, EngineRequest)}, on the platform's bounded executor ({@link
     * ErrorCode#BUSY} when its queue is full), the stage completed exceptionally with a {@link PluginException},
     * and cancelling the stage's {@code CompletableFuture} stops the execution, audited as {@link
     * ErrorCode#CANCELLED}. When no plugin {@code pluginId} is loaded, the stage it returns has already
     * completed exceptionally with {@link ErrorCode#NOT_LOADED}, audited as {@link #execute(String,
     * EngineRequest)} does.
     *
     * @return a stage that completes with the plugin's response or with a {@link PluginException}
     * @throws NullPointerException when {@code pluginId} or {@code request} is {@code null}
     * @since 1.1
     */
    CompletionStage<EngineResponse> executeAsync(String pluginId, EngineRequest request);
}
