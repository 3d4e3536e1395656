package dev.fluent.plugin.runtime.internal.inspect;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.host.testkit.FakeCall;
import dev.fluent.plugin.host.testkit.FakeProviders;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.ExecutionServices;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.StatisticsRecorder;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plugin loaded through the load pipeline and run outside the registry: no Engine service, nothing
 * remembered, its audit kept to itself (the host calls it refused are what a security test wants to see),
 * rate limits off so probes can run back to back. Every capability is served by the host test kit's fakes
 * ({@link FakeProviders}) under the {@link SandboxPolicy}; the platform's providers and policy are never
 * handed in, so a folder that claims a loaded plugin's id reads none of its configuration, environment, files
 * or network. Closing it deletes the fakes' temporary folder.
 */
final class PluginSandbox implements Sandbox {

    /** Refusals a sandbox reports as refused host calls. */
    private static final Set<String> REFUSALS = Set.of(ErrorCode.ACCESS_DENIED.name(),
            ErrorCode.CAPABILITY_NOT_GRANTED.name(), ErrorCode.CAPABILITY_UNAVAILABLE.name(),
            ErrorCode.LIMIT_EXCEEDED.name());

    private final LoadedPlugin plugin;
    private final Watchdog watchdog;
    private final List<String> refused;
    private final FakeProviders fakes;

    private PluginSandbox(LoadedPlugin plugin, Watchdog watchdog, List<String> refused, FakeProviders fakes) {
        this.plugin = plugin;
        this.watchdog = watchdog;
        this.refused = refused;
        this.fakes = fakes;
    }

    /**
     * @param trustStore the trust store to check a signature against, or {@code null}
     * @param developmentMode whether the signature step is skipped (unsigned or untrusted plugins run on the
     *        fakes); nothing else changes
     * @param compileCache where compiled modules are kept (the inspector's: a module it checked is not compiled again)
     */
    static PluginSandbox start(Path folder, ManifestParser parser, TrustStore trustStore, boolean developmentMode,
            CompileCache compileCache, Clock clock) throws PluginException {
        List<String> refused = new CopyOnWriteArrayList<>();
        Auditor auditor = new Auditor(clock);
        auditor.addSink((AuditEvent e) -> {
            String code = e.details().get("code");
            if (!e.success() && code != null && REFUSALS.contains(code) && !AuditActions.EXECUTE.equals(e.action())) {
                refused.add(code + " " + e.action() + " " + e.resource());
            }
        });
        FakeProviders fakes = FakeProviders.create(MAX_RECORDED_CALLS);
        CapabilityProviders capabilities = new CapabilityProviders();
        fakes.providers().forEach(p -> capabilities.add(p, 0, 0L));
        SandboxPolicy policy = new SandboxPolicy(fakes.folder());
        Watchdog watchdog = new Watchdog();
        ExecutionServices services = new ExecutionServices(watchdog, auditor, capabilities, policy);
        services.rateLimits(false);
        TrustGate trust = new TrustGate(parser);
        trust.setDevelopmentMode(developmentMode);
        if (trustStore != null) {
            trust.bind(trustStore);
        }
        try {
            // In development mode the signature is not checked here at all: the inspection reports it, and a
            // plugin that can reach nothing but fakes needs no trust to be watched (a security test must run
            // the probes of a plugin signed by a key this platform does not trust yet).
            LoadPipeline pipeline = new LoadPipeline(parser, developmentMode ? null : trust, compileCache, watchdog,
                    () -> policy, clock);
            pipeline.setWarmupBudget(0); // a few probes: the JIT's warm-up would cost more than it saves
            LoadPipeline.Loaded loaded = pipeline.load(folder.toAbsolutePath().normalize());
            String id = loaded.compiled().id();
            ExtensionFakes.of(loaded.compiled().manifest(), loaded.compiled().module())
                    .forEach(p -> capabilities.add(p, 0, 0L));
            return new PluginSandbox(new LoadedPlugin(loaded.compiled(), loaded.warmInstance(), loaded.loadMillis(),
                    loaded.warmup(), clock.instant(), services, new StatisticsRecorder(id, clock)), watchdog, refused,
                    fakes);
        } catch (PluginException | RuntimeException e) {
            watchdog.close();
            fakes.close();
            throw e;
        }
    }

    @Override
    public PluginInfo info() {
        return plugin.info();
    }

    @Override
    public EngineResponse execute(EngineRequest request) throws PluginException {
        return plugin.execute(request);
    }

    @Override
    public PluginStats stats() {
        return plugin.statistics().snapshot();
    }

    @Override
    public List<String> refusedHostCalls() {
        return List.copyOf(refused);
    }

    @Override
    public List<SandboxCall> hostCalls() {
        return fakes.calls().stream().map(PluginSandbox::call).toList();
    }

    private static SandboxCall call(FakeCall c) {
        return new SandboxCall(c.capability(), c.function(), c.argument(), c.outcome());
    }

    @Override
    public void close() {
        plugin.markUnloaded();
        watchdog.close();
        fakes.close();
    }
}
