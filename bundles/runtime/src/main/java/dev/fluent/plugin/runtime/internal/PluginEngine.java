package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;

/** The {@link Engine} service object of one loaded plugin. */
final class PluginEngine implements Engine {

    private final LoadedPlugin plugin;

    PluginEngine(LoadedPlugin plugin) {
        this.plugin = plugin;
    }

    @Override
    public String pluginId() {
        return plugin.id();
    }

    @Override
    public String engineType() {
        return plugin.compiled().manifest().engineType();
    }

    @Override
    public EngineResponse execute(EngineRequest request) throws PluginException {
        return plugin.execute(request);
    }

    @Override
    public String toString() {
        return "Engine[" + plugin.id() + "]";
    }
}
