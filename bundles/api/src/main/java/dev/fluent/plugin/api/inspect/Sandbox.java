package dev.fluent.plugin.api.inspect;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginStats;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One plugin loaded outside the platform's registry: the same runtime, checks and limits, but no {@code Engine}
 * service, nothing remembered, no rate limit, and none of the platform's capability providers or policy. Every
 * capability the manifest declares is granted as declared and served by a fake that records each call and
 * answers deterministically (a fake HTTP answer without touching the network, fake configuration and
 * environment values, an in-memory cache, a temporary folder for files, log and metric sinks of its own): what
 * the plugin does there cannot reach the platform's secrets, files or network. Close it to unload and delete
 * the temporary folder.
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

    /**
     * Every host function call the plugin made on the fakes so far, in order, refused ones included; the
     * first {@value #MAX_RECORDED_CALLS} only.
     *
     * @since 1.1
     */
    List<SandboxCall> hostCalls();

    /** Most calls {@link #hostCalls()} keeps. */
    int MAX_RECORDED_CALLS = 1000;

    @Override
    void close();
}
