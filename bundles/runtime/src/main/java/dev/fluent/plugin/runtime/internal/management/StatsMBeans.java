package dev.fluent.plugin.runtime.internal.management;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each plugin's statistics as an MBean {@code dev.fluent.plugin:type=Plugin,name=<id>} in the
 * platform MBean server, the one Karaf's JMX connector serves. A failure to register costs the MBean,
 * never the plugin.
 */
public final class StatsMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(StatsMBeans.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** Plugin ids ([a-z0-9._-], see the manifest rules) need no quoting in an ObjectName. */
    public static ObjectName nameOf(String pluginId) throws JMException {
        return new ObjectName("dev.fluent.plugin:type=Plugin,name=" + pluginId);
    }

    public void register(String pluginId, PluginStatsMBean view) {
        try {
            ObjectName name = nameOf(pluginId);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new StandardMBean(view, PluginStatsMBean.class), name);
        } catch (JMException e) {
            LOG.warn("Statistics of plugin {} are not available over JMX: {}", pluginId, e.toString());
        }
    }

    public void unregister(String pluginId) {
        try {
            ObjectName name = nameOf(pluginId);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.debug("Could not unregister the MBean of plugin {}: {}", pluginId, e.toString());
        }
    }
}
