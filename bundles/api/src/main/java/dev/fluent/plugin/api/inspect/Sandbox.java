package dev.fluent.plugin.api.inspect;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginStats;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One plugin loaded into a private registry of its own: the same runtime, checks, limits and capability
 * providers as the platform's, but no {@code Engine} service, nothing remembered, no rate limit. Close
 * it to unload.
 */
@ProviderType
public interface Sandbox extends AutoCloseable {

    PluginInfo info();

    /** Runs one request, exactly as the platform's registry would. */
    EngineResponse execute(EngineRequest request) throws PluginException;

    /** What the plugin has done in this sandbox. */
    PluginStats stats();

    /**
     * The host calls refused so far (capability not granted or unavailable, access denied, limit
     * exceeded), each as {@code CODE function resource}.
     */
    List<String> refusedHostCalls();

    @Override
    void close();
}
