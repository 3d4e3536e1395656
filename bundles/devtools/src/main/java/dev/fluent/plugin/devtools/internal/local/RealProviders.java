package dev.fluent.plugin.devtools.internal.local;

import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.host.cache.internal.CacheConfig;
import dev.fluent.plugin.host.cache.internal.CacheProvider;
import dev.fluent.plugin.host.config.internal.ConfigProvider;
import dev.fluent.plugin.host.environment.internal.EnvironmentProvider;
import dev.fluent.plugin.host.filesystem.internal.FileReadProvider;
import dev.fluent.plugin.host.filesystem.internal.FileSystemConfig;
import dev.fluent.plugin.host.filesystem.internal.FileWriteProvider;
import dev.fluent.plugin.host.logging.internal.LoggingConfig;
import dev.fluent.plugin.host.logging.internal.LoggingProvider;
import dev.fluent.plugin.host.metrics.internal.MetricsConfig;
import dev.fluent.plugin.host.metrics.internal.MetricsProvider;
import dev.fluent.plugin.host.network.internal.NetworkConfig;
import dev.fluent.plugin.host.network.internal.NetworkProvider;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.util.converter.Converter;
import org.osgi.util.converter.Converters;

/**
 * The platform's own capability providers, one per capability, built with {@code new} as Declarative Services
 * builds them in Karaf: the typed configurations are converted from an empty map as Declarative Services
 * converts a missing configuration, so each provider runs with the defaults the container ships. The two
 * untyped ones get what the container's operator would write for the plugin: its configuration values
 * ({@code etc/dev.fluent.plugin.host.config-<id>.cfg}) and the environment variables exposed to it
 * ({@code etc/dev.fluent.plugin.host.environment.cfg}), here from the author's {@link LocalPolicy}.
 */
final class RealProviders {

    /** The configuration PID the container's file would have; only a key of the providers' own map here. */
    private static final String LOCAL_PID = "dev.fluent.plugin.host.config.local";

    private RealProviders() {
    }

    /** The plugin's log lines, as the container's log would show them, on the author's console. */
    private static final String[] LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};

    /** @param log where the plugin's log lines go: the author's console, not a log file */
    static List<CapabilityProvider> forPlugin(String pluginId, LocalPolicy policy, Console log) {
        Converter configs = Converters.standardConverter();
        Map<String, Object> defaults = Map.of();
        ConfigProvider config = new ConfigProvider();
        Hashtable<String, Object> values = new Hashtable<>(policy.config());
        values.put("plugin.id", pluginId);
        try {
            config.updated(LOCAL_PID, values);
        } catch (ConfigurationException e) {
            // plugin.id is set just above, the only thing the provider refuses
            throw new IllegalStateException(e);
        }
        return List.of(
                new NetworkProvider(configs.convert(defaults).to(NetworkConfig.class)),
                new FileReadProvider(configs.convert(defaults).to(FileSystemConfig.class)),
                new FileWriteProvider(configs.convert(defaults).to(FileSystemConfig.class)),
                new EnvironmentProvider(Map.of(pluginId, String.join(",", policy.environment()))),
                config,
                new CacheProvider(configs.convert(defaults).to(CacheConfig.class)),
                new LoggingProvider(configs.convert(defaults).to(LoggingConfig.class), (id, level, requestId, line) ->
                        log.println("log " + LEVELS[Math.max(0, Math.min(level, 4))] + " " + id + " [" + requestId + "] "
                                + line)),
                new MetricsProvider(configs.convert(defaults).to(MetricsConfig.class)));
    }
}
