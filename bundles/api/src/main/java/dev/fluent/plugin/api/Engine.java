package dev.fluent.plugin.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A loaded plugin, registered as an OSGi service while it is loaded. Look it up like any other service,
 * filtering on {@link #PLUGIN_ID} or {@link #ENGINE_TYPE}.
 *
 * <p>Thread-safe: the platform runs every call in its own sandboxed instance.
 */
@ProviderType
public interface Engine {

    /** Service property: the plugin id (the manifest's {@code name}). */
    String PLUGIN_ID = "plugin.id";
    /** Service property: the manifest's {@code engine_type}. */
    String ENGINE_TYPE = "engine.type";
    /** Service property: the manifest's {@code version}. */
    String PLUGIN_VERSION = "plugin.version";

    String pluginId();

    String engineType();

    /**
     * Runs one request through the plugin.
     *
     * @throws PluginException with the {@link ErrorCode} of what went wrong (timeout, memory limit, trap,
     *         the plugin's own error …); the plugin and the platform keep serving afterwards
     */
    EngineResponse execute(EngineRequest request) throws PluginException;
}
