package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.execute.AsyncExecutor;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@link Engine} service object of one plugin id. It stays registered across reloads and always runs
 * the version loaded now.
 */
public final class PluginEngine implements Engine {

    private final Supplier<LoadedPlugin> current;
    private final AsyncExecutor async;

    public PluginEngine(Supplier<LoadedPlugin> current, AsyncExecutor async) {
        this.current = current;
        this.async = async;
    }

    @Override
    public String pluginId() {
        return current.get().id();
    }

    @Override
    public String engineType() {
        return current.get().compiled().manifest().engineType();
    }

    @Override
    public EngineResponse execute(EngineRequest request) throws PluginException {
        return current.get().execute(request);
    }

    @Override
    public CompletionStage<EngineResponse> executeAsync(EngineRequest request) {
        Objects.requireNonNull(request, "request");
        return async.submit(current.get(), request);
    }

    @Override
    public String toString() {
        return "Engine[" + current.get().id() + "]";
    }
}
