package dev.fluent.plugin.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /** Unregisters the plugin's service; executions in flight finish. */
    void unload(String pluginId) throws PluginException;

    List<PluginInfo> list();

    Optional<PluginInfo> find(String pluginId);

    /** Runs one request through a loaded plugin; the same path its {@link Engine} service takes. */
    EngineResponse execute(String pluginId, EngineRequest request) throws PluginException;
}
