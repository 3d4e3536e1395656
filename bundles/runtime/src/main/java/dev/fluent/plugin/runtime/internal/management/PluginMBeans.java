package dev.fluent.plugin.runtime.internal.management;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.PluginRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MBean per loaded plugin, {@code dev.fluent.plugin:type=Plugin,name=<id>} in the platform MBean server
 * (the one Karaf's JMX connector serves), for as long as its {@link Engine} service is registered: it
 * follows the services, not the registry's inside. The figures are read from the registry when JMX asks,
 * so they are the ones {@code plugin:stats} shows. A failure to register costs the MBean, never the plugin.
 */
@Component(immediate = true)
public final class PluginMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(PluginMBeans.class);

    private final PluginRegistry registry;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Activate
    public PluginMBeans(@Reference PluginRegistry registry) {
        this.registry = registry;
    }

    /** Plugin ids ([a-z0-9._-], see the manifest rules) need no quoting in an ObjectName. */
    public static ObjectName nameOf(String pluginId) throws JMException {
        return new ObjectName("dev.fluent.plugin:type=Plugin,name=" + pluginId);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(Engine engine, Map<String, Object> properties) {
        String id = String.valueOf(properties.get(Engine.PLUGIN_ID));
        PluginMBean view = new PluginMBeanAdapter(
                () -> registry.stats(id).orElseThrow(() -> new IllegalStateException("plugin " + id
                        + " is no longer loaded")),
                () -> registry.find(id).map(info -> info.manifest().version()).orElse(""));
        try {
            ObjectName name = nameOf(id);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new StandardMBean(view, PluginMBean.class), name);
        } catch (JMException e) {
            LOG.warn("Statistics of plugin {} are not available over JMX: {}", id, e.toString());
        }
    }

    void removeEngine(Engine engine, Map<String, Object> properties) {
        String id = String.valueOf(properties.get(Engine.PLUGIN_ID));
        try {
            ObjectName name = nameOf(id);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.debug("Could not unregister the MBean of plugin {}: {}", id, e.toString());
        }
    }
}
