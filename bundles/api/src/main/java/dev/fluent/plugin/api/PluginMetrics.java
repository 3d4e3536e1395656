package dev.fluent.plugin.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The metrics plugins record through MetricsAccess, for statistics and monitoring front ends. */
@ProviderType
public interface PluginMetrics {

    /** One plugin's metrics, by name; empty when it recorded none. */
    List<MetricSnapshot> metrics(String pluginId);
}
