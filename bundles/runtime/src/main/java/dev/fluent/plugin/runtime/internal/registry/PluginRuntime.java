package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.AsyncExecutor;
import dev.fluent.plugin.runtime.internal.execute.ExecutionServices;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.PluginStatistics;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.policy.PlatformConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin registry: loads plugins through the {@link LoadPipeline}, registers each as an {@link Engine}
 * service, runs and unloads them. Every action, successful or not, is audited. As a {@link TrustListener}
 * it unloads the plugins whose signing key stops being trusted; {@link #revalidate} also unloads those
 * that expire while loaded.
 */
@Component(service = {PluginRegistry.class, TrustListener.class, PluginRuntime.class}, immediate = true,
        configurationPid = OperatorPolicy.PID)
public final class PluginRuntime implements PluginRegistry, TrustListener {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRuntime.class);

    private final BundleContext bundleContext;
    private final Auditor auditor;
    private final Watchdog watchdog;
    private final CompileCache compileCache;
    private final ManifestParser manifestParser;
    private final LoadPipeline pipeline;
    private final TrustGate trust;
    private final Clock clock;
    private final Map<String, Registered> plugins = new ConcurrentHashMap<>();
    private final RememberedPlugins remembered;
    /** The threads of {@code executeAsync}, shared by every plugin. */
    private final AsyncExecutor async;
    /** The capability providers present. */
    private final CapabilityProviders providers = new CapabilityProviders();
    /** What every execution consults: watchdog, audit, providers, the policy in force. */
    private final ExecutionServices services;

    /**
     * One plugin id's place in the registry: its Engine service, registered once, and the version that
     * serves now, swapped by a reload.
     */
    private static final class Registered {
        private volatile LoadedPlugin plugin;
        private ServiceRegistration<Engine> registration;

        Registered(LoadedPlugin plugin) {
            this.plugin = plugin;
        }

        LoadedPlugin plugin() {
            return plugin;
        }

        ServiceRegistration<Engine> registration() {
            return registration;
        }
    }

    @Activate
    public PluginRuntime(BundleContext bundleContext, @Reference ManifestParser manifestParser,
            PlatformConfiguration configuration) {
        this(bundleContext, manifestParser, Clock.systemUTC(), dataDirectory());
        trust.setDevelopmentMode(configuration.development_mode());
        pipeline.setLazy(configuration.lazy_compile());
        trust.startSweep(this::revalidate);
    }

    /**
     * @param dataDirectory the platform's own folder for state kept across restarts (compiled modules …),
     *        or {@code null} to keep nothing on disk
     */
    public PluginRuntime(BundleContext bundleContext, ManifestParser manifestParser, Clock clock, Path dataDirectory) {
        this(bundleContext, manifestParser, clock, dataDirectory, new AsyncExecutor());
    }

    /** @param async the threads of {@code executeAsync}, owned (and closed) by this registry from now on */
    public PluginRuntime(BundleContext bundleContext, ManifestParser manifestParser, Clock clock, Path dataDirectory,
            AsyncExecutor async) {
        this.async = async;
        this.bundleContext = bundleContext;
        this.clock = clock;
        this.auditor = new Auditor(clock);
        this.watchdog = new Watchdog();
        this.compileCache = new CompileCache(dataDirectory == null ? null : dataDirectory.resolve("compile-cache"));
        this.trust = new TrustGate(manifestParser);
        this.manifestParser = manifestParser;
        this.remembered = new RememberedPlugins(dataDirectory);
        this.services = new ExecutionServices(watchdog, auditor, providers, new OperatorPolicy(Map.of()));
        this.pipeline = new LoadPipeline(manifestParser, trust, compileCache, watchdog, services::policy, clock);
    }

    /**
     * Loads again, in parallel, the plugins loaded by command before the last stop. One that no longer
     * passes its checks is reported (and audited) and forgotten only when its folder is gone.
     */
    public void restoreRemembered() {
        Map<String, Path> all = remembered.all();
        if (all.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        int threads = Math.max(1, Math.min(all.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fluent-plugin-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> tasks = new ArrayList<>();
            all.forEach((id, source) -> tasks.add(pool.submit(() -> {
                try {
                    load(source, true);
                } catch (PluginException e) {
                    if (e.code() == ErrorCode.PLUGIN_NOT_FOUND) {
                        remembered.forget(id);
                    }
                    LOG.warn("Plugin {} loaded before the restart could not be loaded again: {}", id, e.toString());
                }
            })));
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("Restoring plugins failed", e.getCause());
        } finally {
            pool.shutdown();
        }
        LOG.info("Loaded {} remembered plugin(s) again in {} ms", all.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** {@code ${karaf.data}/fluent-plugin}, or nothing outside Karaf. */
    private static Path dataDirectory() {
        String data = System.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "fluent-plugin");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addAuditSink(AuditSink sink) {
        auditor.addSink(sink);
    }

    public void removeAuditSink(AuditSink sink) {
        auditor.removeSink(sink);
    }

    /** A capability provider started: the plugins it was missing for resume. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addCapabilityProvider(CapabilityProvider provider, Map<String, Object> properties) {
        Capability capability = provider.capability();
        boolean before = providers.provider(capability) != null;
        Object ranking = properties.get(org.osgi.framework.Constants.SERVICE_RANKING);
        Object serviceId = properties.get(org.osgi.framework.Constants.SERVICE_ID);
        if (providers.add(provider, ranking instanceof Integer r ? r : 0, serviceId instanceof Long l ? l : 0L) && !before) {
            capabilityChanged(capability, AuditActions.RESUME, "a provider of " + capability + " started");
        }
    }

    /** A capability provider stopped: the plugins that need it are suspended while no other serves. */
    public void removeCapabilityProvider(CapabilityProvider provider) {
        Capability capability = provider.capability();
        providers.remove(provider);
        if (providers.provider(capability) == null) {
            capabilityChanged(capability, AuditActions.SUSPEND, "capability " + capability + " unavailable: its provider stopped");
        }
    }

    /**
     * Turns enforcement of {@code rate_limit_requests_per_minute} off or on, for tests and benchmarks that
     * run plugins faster than their manifests allow. Not configurable: production always enforces it.
     */
    public void enforceRateLimits(boolean enforced) {
        services.rateLimits(enforced);
    }

    private void capabilityChanged(Capability capability, String action, String reason) {
        for (Registered r : plugins.values()) {
            if (r.plugin().needs(capability)) {
                auditor.success(r.plugin().id(), action, capability.manifestName(), Map.of("reason", reason));
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setTrustStore(TrustStore store) {
        trust.bind(store);
    }

    public void unsetTrustStore(TrustStore store) {
        trust.unbind(store);
    }

    /** {@value TrustGate#DEVELOPMENT_MODE} changed: turning it off unloads the plugins loaded unsigned. */
    /** {@code development.mode} or {@code lazy.compile} changed: turning development mode off unloads unsigned plugins. */
    @Modified
    void modified(PlatformConfiguration configuration) {
        configure(configuration.development_mode(), configuration.lazy_compile());
    }

    /**
     * Development mode (unsigned plugins load) and lazy compilation; the plugins that may no longer run are
     * unloaded at once.
     */
    public void configure(boolean developmentMode, boolean lazyCompile) {
        trust.setDevelopmentMode(developmentMode);
        pipeline.setLazy(lazyCompile);
        revalidate();
    }

    /**
     * The policy in force: the one of highest ranking (the built-in {@code ConfiguredPolicy} unless another
     * bundle registers one above it). Grants are computed again on the next execution of each plugin.
     */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setPolicy(PolicyService policy) {
        services.policy(policy);
    }

    void unsetPolicy(PolicyService policy) {
        // A dynamic greedy reference binds the replacement before it unbinds this one; with no replacement
        // the registry itself is deactivated. Nothing to undo here.
    }

    @Override
    public void trustChanged(String keyId, Change change) {
        auditor.success(null, AuditActions.TRUST, keyId, Map.of("change", change.name()));
        revalidate();
    }

    /**
     * Unloads, and audits, every plugin that lost its right to run: expired, signed by a key that was
     * revoked or is no longer trusted, or unsigned while development mode is off.
     */
    public void revalidate() {
        List<Registered> loaded = plugins.values().stream()
                .sorted(Comparator.comparing(r -> r.plugin().compiled().id())).toList();
        for (Registered r : loaded) {
            PluginManifest manifest = r.plugin().compiled().manifest();
            PluginException reason;
            try {
                IntegrityChecks.checkValidity(manifest, clock.instant());
                reason = trust.withdrawn(manifest);
            } catch (PluginException expired) {
                reason = expired;
            }
            if (reason != null) {
                withdraw(r, reason);
            }
        }
    }

    private void withdraw(Registered r, PluginException reason) {
        String id = r.plugin().compiled().id();
        synchronized (plugins) {
            if (!plugins.remove(id, r)) {
                return; // unloaded or replaced meanwhile
            }
        }
        r.plugin().markUnloaded();
        unregisterQuietly(r.registration());
        auditor.success(id, AuditActions.UNLOAD, r.plugin().compiled().source().toString(),
                Map.of("reason", reason.code().name(), "cause", reason.getMessage()));
    }

    @Deactivate
    public void deactivate() {
        for (String id : List.copyOf(plugins.keySet())) {
            Registered r = plugins.remove(id);
            if (r != null) {
                r.plugin().markUnloaded();
                unregisterQuietly(r.registration());
            }
        }
        trust.close();
        async.close();
        watchdog.close();
    }

    @Override
    public PluginInfo load(Path folder) throws PluginException {
        return load(folder, true);
    }

    @Override
    public PluginInfo load(Path folder, boolean remember) throws PluginException {
        Path source = folder.toAbsolutePath().normalize();
        String resource = source.toString();
        LoadPipeline.Loaded loaded;
        try {
            loaded = pipeline.load(source);
        } catch (PluginException e) {
            auditor.failure(e.pluginId(), AuditActions.LOAD, resource, e, Map.of());
            throw e;
        }
        CompiledPlugin compiled = loaded.compiled();
        String id = compiled.id();
        LoadedPlugin plugin = new LoadedPlugin(compiled, loaded.warmInstance(), loaded.loadMillis(), clock.instant(), services,
                new PluginStatistics(id, clock));
        synchronized (plugins) {
            if (plugins.containsKey(id)) {
                PluginException e = new PluginException(ErrorCode.ALREADY_LOADED, id, "plugin " + id
                        + " is loaded already (from " + plugins.get(id).plugin().compiled().source()
                        + "); unload it first");
                auditor.failure(id, AuditActions.LOAD, resource, e, Map.of());
                throw e;
            }
            Registered registered = new Registered(plugin);
            if (bundleContext != null) {
                registered.registration = bundleContext.registerService(Engine.class,
                        new PluginEngine(registered::plugin, async), serviceProperties(compiled));
            }
            plugins.put(id, registered);
        }
        if (remember) {
            remembered.remember(id, source);
        }
        auditor.success(id, AuditActions.LOAD, resource, Map.of(
                "version", compiled.manifest().version(),
                "checksum", compiled.manifest().checksum(),
                "signed_by", compiled.manifest().signature() == null ? "unsigned" : compiled.manifest().signatureKeyId(),
                "load_ms", Long.toString(loaded.loadMillis())));
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
            auditor.failure(pluginId, AuditActions.UNLOAD, null, e, Map.of());
            throw e;
        }
        remembered.forget(pluginId);
        r.plugin().markUnloaded();
        unregisterQuietly(r.registration());
        auditor.success(pluginId, AuditActions.UNLOAD, r.plugin().compiled().source().toString(), Map.of());
    }

    @Override
    public PluginInfo reload(String pluginId) throws PluginException {
        Registered r = plugins.get(pluginId);
        if (r == null) {
            PluginException e = notLoaded(pluginId);
            auditor.failure(pluginId, AuditActions.RELOAD, null, e, Map.of());
            throw e;
        }
        return reload(pluginId, r.plugin().compiled().source());
    }

    @Override
    public PluginInfo reload(String pluginId, Path folder) throws PluginException {
        Path source = folder.toAbsolutePath().normalize();
        String resource = source.toString();
        if (!plugins.containsKey(pluginId)) {
            PluginException e = notLoaded(pluginId);
            auditor.failure(pluginId, AuditActions.RELOAD, resource, e, Map.of());
            throw e;
        }
        // Every check and the compilation happen before anything changes: a new version that fails
        // leaves the old one serving.
        LoadPipeline.Loaded loaded;
        try {
            loaded = pipeline.load(source);
            if (!loaded.compiled().id().equals(pluginId)) {
                throw new PluginException(ErrorCode.MANIFEST_INVALID, pluginId, "the folder holds plugin "
                        + loaded.compiled().id() + ", not " + pluginId + "; a reload keeps the plugin's name");
            }
        } catch (PluginException e) {
            auditor.failure(pluginId, AuditActions.RELOAD, resource, e, Map.of());
            throw e;
        }
        CompiledPlugin compiled = loaded.compiled();
        Registered current = plugins.get(pluginId);
        LoadedPlugin next = new LoadedPlugin(compiled, loaded.warmInstance(), loaded.loadMillis(), clock.instant(), services,
                current != null ? current.plugin().statistics() : new PluginStatistics(pluginId, clock));
        LoadedPlugin previous;
        synchronized (plugins) {
            Registered r = plugins.get(pluginId);
            if (r == null) {
                PluginException e = notLoaded(pluginId);
                auditor.failure(pluginId, AuditActions.RELOAD, resource, e, Map.of());
                throw e;
            }
            previous = r.plugin;
            r.plugin = next;
            if (r.registration != null) {
                r.registration.setProperties(serviceProperties(compiled));
            }
        }
        previous.retire(next);
        if (remembered.all().containsKey(pluginId)) {
            remembered.remember(pluginId, source);
        }
        auditor.success(pluginId, AuditActions.RELOAD, resource, Map.of(
                "version", compiled.manifest().version(),
                "previous_version", previous.compiled().manifest().version(),
                "checksum", compiled.manifest().checksum(),
                "load_ms", Long.toString(loaded.loadMillis())));
        return next.info();
    }

    private static Hashtable<String, Object> serviceProperties(CompiledPlugin compiled) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Engine.PLUGIN_ID, compiled.id());
        props.put(Engine.ENGINE_TYPE, compiled.manifest().engineType());
        props.put(Engine.PLUGIN_VERSION, compiled.manifest().version());
        return props;
    }

    @Override
    public Optional<PluginStats> stats(String pluginId) {
        Registered r = plugins.get(pluginId);
        return r == null ? Optional.empty() : Optional.of(r.plugin().statistics().snapshot());
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
            auditor.failure(pluginId, AuditActions.EXECUTE, null, e, Map.of());
            throw e;
        }
        return r.plugin().execute(request);
    }

    @Override
    public CompletionStage<EngineResponse> executeAsync(String pluginId, EngineRequest request) {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(request, "request");
        Registered r = plugins.get(pluginId);
        if (r == null) {
            PluginException e = notLoaded(pluginId);
            auditor.failure(pluginId, AuditActions.EXECUTE, null, e, Map.of());
            return CompletableFuture.failedFuture(e);
        }
        return async.submit(r.plugin(), request);
    }

    public CompileCache compileCache() {
        return compileCache;
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
