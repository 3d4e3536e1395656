package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.AsyncExecutor;
import dev.fluent.plugin.runtime.internal.execute.ExecutionServices;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.StatisticsRecorder;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.identity.IdentityRecords;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.policy.PlatformConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The plugin registry: loads plugins through the {@link LoadPipeline}, registers each as an {@link Engine}
 * service, runs and unloads them. Every action, successful or not, is audited. As a {@link TrustListener}
 * it unloads the plugins whose signing key stops being trusted; {@link #revalidate} also unloads those
 * that expire while loaded.
 */
@Component(service = {PluginRegistry.class, TrustListener.class, PluginRuntime.class}, immediate = true,
        configurationPid = OperatorPolicy.PID)
public final class PluginRuntime implements PluginRegistry, TrustListener {

    private final Auditor auditor;
    private final Watchdog watchdog;
    private final CompileCache compileCache;
    private final LoadPipeline pipeline;
    /** The pipeline with its failures audited, and the identities of the plugins it accepted. */
    private final CheckedLoads loads;
    private final TrustGate trust;
    private final Clock clock;
    private final EngineRegistrations plugins;
    private final RememberedPlugins remembered;
    /** The plugins remembered when this registry started: those {@link #restoreRemembered} loads again. */
    private final Map<String, Path> rememberedAtStart;
    /** The threads of {@code executeAsync}, shared by every plugin. */
    private final AsyncExecutor async;
    /** The capability providers present. */
    private final CapabilityProviders providers = new CapabilityProviders();
    /** What every execution consults: watchdog, audit, providers, the policy in force. */
    private final ExecutionServices services;
    /** Suspends and resumes plugins as providers come and go; the load step that needs them. */
    private final ProviderTracking tracking;

    @Activate
    public PluginRuntime(BundleContext bundleContext, @Reference ManifestParser manifestParser,
            PlatformConfiguration configuration, Map<String, Object> properties) {
        this(bundleContext, manifestParser, Clock.systemUTC(), dataDirectory());
        loads.identities().declare(IdentityRecords.declarations(properties));
        trust.setDevelopmentMode(configuration.development_mode());
        pipeline.setLazy(configuration.lazy_compile());
        pipeline.setWarmupBudget(configuration.warmup__budget__ms());
        services.configure(configuration);
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
        this.clock = clock;
        this.auditor = new Auditor(clock);
        this.watchdog = new Watchdog();
        this.compileCache = new CompileCache(dataDirectory == null ? null : dataDirectory.resolve("compile-cache"));
        this.trust = new TrustGate(manifestParser);
        this.remembered = new RememberedPlugins(dataDirectory);
        this.rememberedAtStart = remembered.all();
        this.plugins = new EngineRegistrations(bundleContext, async);
        this.services = new ExecutionServices(watchdog, auditor, providers, new OperatorPolicy(Map.of()));
        this.pipeline = new LoadPipeline(manifestParser, trust, compileCache, watchdog, services::policy, clock);
        pipeline.setMemoryBudget(services.memory());
        this.loads = new CheckedLoads(pipeline, auditor, new IdentityRecords(dataDirectory, clock));
        this.tracking = new ProviderTracking(providers, plugins, auditor, services);
        pipeline.offerCapabilities(providers, tracking::checkServed);
    }

    /**
     * Loads again, in parallel, the plugins loaded by command before the last stop. One that no longer
     * passes its checks is reported (and audited) and forgotten only when its folder is gone.
     */
    public void restoreRemembered() {
        Restorer.restore(rememberedAtStart, remembered, id -> plugins.get(id) != null, folder -> load(folder, true));
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
        tracking.added(provider, properties);
    }

    /** A capability provider stopped: the plugins that need it are suspended while no other serves. */
    public void removeCapabilityProvider(CapabilityProvider provider) {
        tracking.removed(provider);
    }

    /**
     * What every execution consults: its rate authority is set by {@link RateLimitBinding}; tests, benchmarks and
     * embedders set {@code await_capabilities} and turn rate limits off there (production always enforces them).
     */
    public ExecutionServices executionServices() {
        return services;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setTrustStore(TrustStore store) {
        trust.bind(store);
    }

    public void unsetTrustStore(TrustStore store) {
        trust.unbind(store);
    }

    /** {@code development.mode} or {@code lazy.compile} changed: turning development mode off unloads unsigned plugins. */
    @Modified
    void modified(PlatformConfiguration configuration) {
        services.configure(configuration);
        pipeline.setWarmupBudget(configuration.warmup__budget__ms());
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
     * A policy service started: from now on it is consulted at every load and execution, with every other
     * one (the built-in {@code ConfiguredPolicy} and those of other bundles); grants are computed again on the
     * next execution of each plugin.
     */
    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC)
    public void addPolicy(PolicyService policy, Map<String, Object> properties) {
        Object ranking = properties.get(org.osgi.framework.Constants.SERVICE_RANKING);
        Object serviceId = properties.get(org.osgi.framework.Constants.SERVICE_ID);
        services.policy().add(policy, ranking instanceof Integer r ? r : 0, serviceId instanceof Long l ? l : 0L);
    }

    public void removePolicy(PolicyService policy) {
        services.policy().remove(policy);
    }

    /** Makes {@code policy} the only one (outside OSGi: tests, the standalone platform). */
    public void setPolicy(PolicyService policy) {
        services.policy(policy);
    }

    @Override
    public void trustChanged(String keyId, Change change) {
        auditor.success(null, AuditActions.TRUST, keyId, Map.of("change", change.name()));
        revalidate();
    }

    /**
     * Unloads, and audits, every plugin that lost its right to run: expired, signed by a key that was
     * revoked or is no longer trusted, unsigned while development mode is off, or not its id's owner's.
     */
    public void revalidate() {
        for (EngineRegistrations.Registered r : plugins.all()) {
            PluginManifest manifest = r.plugin().compiled().manifest();
            PluginException reason;
            try {
                IntegrityChecks.checkValidity(manifest, clock.instant());
                reason = trust.withdrawn(manifest);
                reason = reason != null ? reason : loads.identities().ownerMismatch(manifest);
            } catch (PluginException expired) {
                reason = expired;
            }
            LoadedPlugin withdrawn = reason == null ? null : plugins.remove(r.plugin().id(), r);
            if (withdrawn != null) {
                auditor.success(withdrawn.id(), AuditActions.UNLOAD, withdrawn.compiled().source().toString(),
                        Map.of("reason", reason.code().name(), "cause", reason.getMessage()));
            }
        }
    }

    @Deactivate
    public void deactivate() {
        for (String id : plugins.ids()) {
            plugins.remove(id, null);
        }
        trust.close();
        services.close();
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
        LoadPipeline.Loaded loaded = loads.run(source, AuditActions.LOAD, null);
        CompiledPlugin compiled = loaded.compiled();
        String id = compiled.id();
        LoadedPlugin plugin = new LoadedPlugin(compiled, loaded.warmInstance(), loaded.loadMillis(),
                loaded.warmup(), clock.instant(), services, new StatisticsRecorder(id, clock));
        plugin.holdMemory(loaded.memory());
        try {
            plugins.add(plugin);
        } catch (PluginException e) {
            plugin.markUnloaded();
            auditor.failure(id, AuditActions.LOAD, source.toString(), e, Map.of());
            throw e;
        }
        if (remember) {
            remembered.remember(id, source);
        }
        Map<String, String> details = new LinkedHashMap<>(Map.of("version", compiled.manifest().version(),
                "checksum", compiled.manifest().checksum(), "signed_by", PluginIdentity.ownerOf(compiled.manifest())));
        details.putAll(loaded.auditDetails());
        auditor.success(id, AuditActions.LOAD, source.toString(), details);
        loads.accepted(compiled.manifest());
        tracking.registered(plugin);
        return plugin.info();
    }

    @Override
    public void unload(String pluginId) throws PluginException {
        LoadedPlugin removed = plugins.remove(pluginId, null);
        if (removed == null) {
            throw notLoaded(pluginId, AuditActions.UNLOAD, null);
        }
        remembered.forget(pluginId);
        auditor.success(pluginId, AuditActions.UNLOAD, removed.compiled().source().toString(), Map.of());
    }

    @Override
    public PluginInfo reload(String pluginId) throws PluginException {
        EngineRegistrations.Registered r = plugins.get(pluginId);
        if (r == null) {
            throw notLoaded(pluginId, AuditActions.RELOAD, null);
        }
        return reload(pluginId, r.plugin().compiled().source());
    }

    /**
     * Every check and the compilation happen before anything changes: a new version that fails leaves the
     * old one serving. Executions that raced the swap run on the new version.
     */
    @Override
    public PluginInfo reload(String pluginId, Path folder) throws PluginException {
        Path source = folder.toAbsolutePath().normalize();
        EngineRegistrations.Registered current = plugins.get(pluginId);
        if (current == null) {
            throw notLoaded(pluginId, AuditActions.RELOAD, source.toString());
        }
        LoadPipeline.Loaded loaded = loads.run(source, AuditActions.RELOAD, pluginId);
        CompiledPlugin compiled = loaded.compiled();
        LoadedPlugin next = new LoadedPlugin(compiled, loaded.warmInstance(), loaded.loadMillis(),
                loaded.warmup(), clock.instant(), services, current.plugin().statistics());
        next.holdMemory(loaded.memory());
        LoadedPlugin previous = plugins.swap(next);
        if (previous == null) {
            next.markUnloaded();
            throw notLoaded(pluginId, AuditActions.RELOAD, source.toString());
        }
        previous.retire(next);
        if (remembered.all().containsKey(pluginId)) {
            remembered.remember(pluginId, source);
        }
        Map<String, String> details = new LinkedHashMap<>(Map.of("version", compiled.manifest().version(),
                "previous_version", previous.compiled().manifest().version(),
                "signed_by", PluginIdentity.ownerOf(compiled.manifest()), "checksum", compiled.manifest().checksum()));
        details.putAll(loaded.auditDetails());
        auditor.success(pluginId, AuditActions.RELOAD, source.toString(), details);
        loads.accepted(compiled.manifest());
        tracking.registered(next);
        return next.info();
    }

    @Override
    public Optional<PluginStats> stats(String pluginId) {
        EngineRegistrations.Registered r = plugins.get(pluginId);
        return r == null ? Optional.empty() : Optional.of(r.plugin().statistics().snapshot());
    }

    @Override
    public List<PluginInfo> list() {
        return plugins.all().stream().map(r -> r.plugin().info()).toList();
    }

    @Override
    public Optional<PluginInfo> find(String pluginId) {
        EngineRegistrations.Registered r = plugins.get(pluginId);
        return r == null ? Optional.empty() : Optional.of(r.plugin().info());
    }

    @Override
    public EngineResponse execute(String pluginId, EngineRequest request) throws PluginException {
        EngineRegistrations.Registered r = plugins.get(pluginId);
        if (r == null) {
            throw notLoaded(pluginId, AuditActions.EXECUTE, null);
        }
        return r.plugin().execute(request);
    }

    @Override
    public CompletionStage<EngineResponse> executeAsync(String pluginId, EngineRequest request) {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(request, "request");
        EngineRegistrations.Registered r = plugins.get(pluginId);
        if (r == null) {
            return CompletableFuture.failedFuture(notLoaded(pluginId, AuditActions.EXECUTE, null));
        }
        return async.submit(r.plugin(), request);
    }

    public CompileCache compileCache() {
        return compileCache;
    }

    /** Who owns each plugin id and the versions accepted, and the audit of changes to them. */
    CheckedLoads loads() {
        return loads;
    }

    /** NOT_LOADED, audited under {@code action}. */
    private PluginException notLoaded(String pluginId, String action, String resource) {
        PluginException e = new PluginException(ErrorCode.NOT_LOADED, pluginId, "no plugin " + pluginId
                + " is loaded (plugin:list shows those that are)");
        auditor.failure(pluginId, action, resource, e, Map.of());
        return e;
    }
}
