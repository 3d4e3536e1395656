package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.AuditSink;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The plugin registry: loads plugins through {@link PluginLoader}, registers each as an {@link Engine}
 * service, runs and unloads them. Every action, successful or not, is audited.
 */
@Component(service = PluginRegistry.class, immediate = true)
public final class PluginRuntime implements PluginRegistry {

    /** Worker threads shared by all plugins. */
    static final int MAX_WORKERS = 64;

    private final BundleContext bundleContext;
    private final Auditor auditor;
    private final ExecutionService executions;
    private final PluginLoader loader;
    private final Clock clock;
    private final Map<String, Registered> plugins = new ConcurrentHashMap<>();

    private record Registered(LoadedPlugin plugin, ServiceRegistration<Engine> registration) {
    }

    @Activate
    public PluginRuntime(BundleContext bundleContext, @Reference ManifestParser manifestParser) {
        this(bundleContext, manifestParser, Clock.systemUTC());
    }

    PluginRuntime(BundleContext bundleContext, ManifestParser manifestParser, Clock clock) {
        this.bundleContext = bundleContext;
        this.clock = clock;
        this.auditor = new Auditor(clock);
        this.executions = new ExecutionService(MAX_WORKERS);
        this.loader = new PluginLoader(manifestParser, executions, clock);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAuditSink(AuditSink sink) {
        auditor.addSink(sink);
    }

    void removeAuditSink(AuditSink sink) {
        auditor.removeSink(sink);
    }

    @Deactivate
    void deactivate() {
        for (String id : List.copyOf(plugins.keySet())) {
            Registered r = plugins.remove(id);
            if (r != null) {
                r.plugin().markUnloaded();
                unregisterQuietly(r.registration());
            }
        }
        executions.close();
    }

    @Override
    public PluginInfo load(Path folder) throws PluginException {
        Path source = folder.toAbsolutePath().normalize();
        String resource = source.toString();
        CompiledPlugin compiled;
        try {
            compiled = loader.load(source);
        } catch (PluginException e) {
            auditor.failure(e.pluginId(), "load", resource, e, Map.of());
            throw e;
        }
        String id = compiled.id();
        LoadedPlugin plugin = new LoadedPlugin(compiled, clock.instant(), executions, auditor);
        synchronized (plugins) {
            if (plugins.containsKey(id)) {
                PluginException e = new PluginException(ErrorCode.ALREADY_LOADED, id, "plugin " + id
                        + " is loaded already (from " + plugins.get(id).plugin().compiled().source()
                        + "); unload it first");
                auditor.failure(id, "load", resource, e, Map.of());
                throw e;
            }
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Engine.PLUGIN_ID, id);
            props.put(Engine.ENGINE_TYPE, compiled.manifest().engineType());
            props.put(Engine.PLUGIN_VERSION, compiled.manifest().version());
            ServiceRegistration<Engine> registration = bundleContext == null
                    ? null
                    : bundleContext.registerService(Engine.class, new PluginEngine(plugin), props);
            plugins.put(id, new Registered(plugin, registration));
        }
        auditor.success(id, "load", resource, Map.of(
                "version", compiled.manifest().version(),
                "checksum", compiled.manifest().checksum(),
                "load_ms", Long.toString(compiled.loadMillis())));
        return plugin.info();
    }

    @Override
    public void unload(String pluginId) throws PluginException {
        Registered r;
        synchronized (plugins) {
            r = plugins.remove(pluginId);
        }
        if (r == null) {
            PluginException e = notLoaded(pluginId);
            auditor.failure(pluginId, "unload", null, e, Map.of());
            throw e;
        }
        r.plugin().markUnloaded();
        unregisterQuietly(r.registration());
        auditor.success(pluginId, "unload", r.plugin().compiled().source().toString(), Map.of());
    }

    @Override
    public List<PluginInfo> list() {
        return plugins.values().stream()
                .map(r -> r.plugin().info())
                .sorted(Comparator.comparing(PluginInfo::id))
                .toList();
    }

    @Override
    public Optional<PluginInfo> find(String pluginId) {
        Registered r = plugins.get(pluginId);
        return r == null ? Optional.empty() : Optional.of(r.plugin().info());
    }

    @Override
    public EngineResponse execute(String pluginId, EngineRequest request) throws PluginException {
        Registered r = plugins.get(pluginId);
        if (r == null) {
            PluginException e = notLoaded(pluginId);
            auditor.failure(pluginId, "execute", null, e, Map.of());
            throw e;
        }
        return r.plugin().execute(request);
    }

    private static PluginException notLoaded(String pluginId) {
        return new PluginException(ErrorCode.NOT_LOADED, pluginId, "no plugin " + pluginId
                + " is loaded (plugin:list shows those that are)");
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
