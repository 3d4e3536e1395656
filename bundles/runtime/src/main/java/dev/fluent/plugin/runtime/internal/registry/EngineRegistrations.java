package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.AsyncExecutor;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import java.util.Collection;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The loaded plugins by id, each with its {@link Engine} service: registered once per id and kept across
 * reloads, which swap the version behind it. Outside OSGi (no bundle context) nothing is registered.
 */
final class EngineRegistrations {

    /** One plugin id's place: the version that serves now, swapped by a reload, and its Engine service. */
    static final class Registered {
        private volatile LoadedPlugin plugin;
        private ServiceRegistration<Engine> registration;

        private Registered(LoadedPlugin plugin) {
            this.plugin = plugin;
        }

        LoadedPlugin plugin() {
            return plugin;
        }
    }

    private final BundleContext bundleContext;
    private final AsyncExecutor async;
    private final Map<String, Registered> plugins = new ConcurrentHashMap<>();

    EngineRegistrations(BundleContext bundleContext, AsyncExecutor async) {
        this.bundleContext = bundleContext;
        this.async = async;
    }

    Registered get(String pluginId) {
        return plugins.get(pluginId);
    }

    /** The plugins loaded now, by id. */
    List<Registered> all() {
        return plugins.values().stream().sorted(Comparator.comparing(r -> r.plugin().id())).toList();
    }

    Collection<String> ids() {
        return List.copyOf(plugins.keySet());
    }

    /**
     * Adds a plugin and registers its Engine service.
     *
     * @throws PluginException ALREADY_LOADED when a plugin of that id is loaded
     */
    synchronized void add(LoadedPlugin plugin) throws PluginException {
        String id = plugin.id();
        Registered existing = plugins.get(id);
        if (existing != null) {
            throw new PluginException(ErrorCode.ALREADY_LOADED, id, "plugin " + id + " is loaded already (from "
                    + existing.plugin().compiled().source() + "); unload it first");
        }
        Registered registered = new Registered(plugin);
        if (bundleContext != null) {
            registered.registration = bundleContext.registerService(Engine.class,
                    new PluginEngine(registered::plugin, async), serviceProperties(plugin.compiled()));
        }
        plugins.put(id, registered);
    }

    /**
     * Puts {@code next} behind the Engine service of its id.
     *
     * @return the version it replaced, or {@code null} when the id was unloaded meanwhile
     */
    synchronized LoadedPlugin swap(LoadedPlugin next) {
        Registered r = plugins.get(next.id());
        if (r == null) {
            return null;
        }
        LoadedPlugin previous = r.plugin;
        r.plugin = next;
        if (r.registration != null) {
            r.registration.setProperties(serviceProperties(next.compiled()));
        }
        return previous;
    }

    /** Removes the plugin of an id (only if it is still {@code expected}, when given); unregisters its service. */
    LoadedPlugin remove(String pluginId, Registered expected) {
        Registered r;
        synchronized (this) {
            r = plugins.get(pluginId);
            if (r == null || (expected != null && r != expected)) {
                return null;
            }
            plugins.remove(pluginId);
        }
        r.plugin().markUnloaded();
        unregisterQuietly(r.registration);
        return r.plugin();
    }

    private static Hashtable<String, Object> serviceProperties(CompiledPlugin compiled) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Engine.PLUGIN_ID, compiled.id());
        props.put(Engine.ENGINE_TYPE, compiled.manifest().engineType());
        props.put(Engine.PLUGIN_VERSION, compiled.manifest().version());
        return props;
    }

    private static void unregisterQuietly(ServiceRegistration<?> registration) {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework unregistered it already (bundle stopping).
        }
    }
}
