package dev.fluent.plugin.runtime.internal.management;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.PluginRegistry;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * One MBean per loaded plugin, {@code dev.fluent.plugin:type=Plugin,name=<id>}, for as long as its
 * {@link Engine} service is registered: it follows the services, not the registry's inside. The figures
 * are read from the registry when JMX asks, so they are the ones {@code plugin:stats} shows.
 */
@Component(immediate = true)
public final class PluginMBeans {

    private final PluginRegistry registry;
    private final StatsMBeans mbeans = new StatsMBeans();

    @Activate
    public PluginMBeans(@Reference PluginRegistry registry) {
        this.registry = registry;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(Engine engine, Map<String, Object> properties) {
        String id = String.valueOf(properties.get(Engine.PLUGIN_ID));
        mbeans.register(id, new PluginStatsView(
                () -> registry.stats(id).orElseThrow(() -> new IllegalStateException("plugin " + id
                        + " is no longer loaded")),
                () -> registry.find(id).map(info -> info.manifest().version()).orElse("")));
    }

    void removeEngine(Engine engine, Map<String, Object> properties) {
        mbeans.unregister(String.valueOf(properties.get(Engine.PLUGIN_ID)));
    }

    @Deactivate
    void deactivate() {
        // The framework unregisters the Engine services (and so calls removeEngine) before this when the
        // runtime stops; nothing else is held.
    }
}
