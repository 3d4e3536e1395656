package dev.fluent.plugin.devtools.internal.local;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.ExecutionServices;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.StatisticsRecorder;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One request through a plugin folder as the platform's registry would run it, on the real capability
 * providers ({@link RealProviders}) under the runtime's own {@link OperatorPolicy} made from the author's
 * {@link LocalPolicy}: the load pipeline with the signature step (development mode as given), the manifest ∩
 * policy grant, the providers' checks (hosts, addresses, roots, quotas) and the plugin's limits. What differs
 * from the container is only what a single local run has no use for: no Engine service, nothing remembered,
 * no rate limit across runs, the audit not kept.
 */
final class LocalRun {

    /** The policy keys the local policy decides; an operator file's values for them, per plugin too, give way. */
    private static final List<String> DECIDED = List.of(OperatorPolicy.ALLOWED_HOSTS, OperatorPolicy.ALLOWED_ROOTS,
            OperatorPolicy.ALLOW_LOOPBACK, OperatorPolicy.ALLOW_PRIVATE, OperatorPolicy.DATA_DIR);

    private LocalRun() {
    }

    /**
     * @param platformConfig the operator's configuration keys given on the command line ({@code --policy}), whose
     *        caps and forbidden capabilities still apply; the local policy decides hosts, addresses and folders
     * @param log where the plugin's log lines go (the author's console)
     */
    static EngineResponse run(Path folder, EngineRequest request, LocalPolicy local, Map<String, Object> platformConfig,
            ManifestParser parser, TrustStore trustStore, boolean developmentMode, Console log) throws PluginException {
        Path temporaryData = local.dataDir() == null ? temporaryFolder() : null;
        OperatorPolicy policy = new OperatorPolicy(settings(local, platformConfig,
                temporaryData != null ? temporaryData : local.dataDir()));
        Clock clock = Clock.systemUTC();
        Auditor auditor = new Auditor(clock);
        // A local run's record is what it prints; the platform's audit log is not here to receive it.
        auditor.addSink(event -> { });
        CapabilityProviders capabilities = new CapabilityProviders();
        TrustGate trust = new TrustGate(parser);
        trust.setDevelopmentMode(developmentMode);
        if (trustStore != null) {
            trust.bind(trustStore);
        }
        try (Watchdog watchdog = new Watchdog();
                ExecutionServices services = new ExecutionServices(watchdog, auditor, capabilities, policy)) {
            LoadPipeline pipeline = new LoadPipeline(parser, trust, new CompileCache(null), watchdog, () -> policy,
                    clock);
            pipeline.setWarmupBudget(0); // one request: the JIT's warm-up would cost more than it saves
            LoadPipeline.Loaded loaded = pipeline.load(folder.toAbsolutePath().normalize());
            String id = loaded.compiled().id();
            // Built for this plugin once its manifest has passed: its id selects its configuration and variables.
            RealProviders.forPlugin(id, local, log).forEach(p -> capabilities.add(p, 0, 0L));
            LoadedPlugin plugin = new LoadedPlugin(loaded.compiled(), loaded.warmInstance(), loaded.loadMillis(),
                    loaded.warmup(), clock.instant(), services, new StatisticsRecorder(id, clock));
            try {
                return plugin.execute(request);
            } finally {
                plugin.markUnloaded();
            }
        } finally {
            if (temporaryData != null) {
                delete(temporaryData);
            }
        }
    }

    /** The operator's keys with the local policy's in place of the ones it decides. */
    static Map<String, Object> settings(LocalPolicy local, Map<String, Object> platformConfig, Path dataDir) {
        Map<String, Object> settings = new HashMap<>(platformConfig);
        settings.keySet().removeIf(key -> DECIDED.stream().anyMatch(d -> key.equals(d) || key.startsWith(d + ".")));
        // Present even when empty: an unset allowed_hosts would let every host the manifest names through.
        settings.put(OperatorPolicy.ALLOWED_HOSTS, String.join(",", local.allowedHosts()));
        settings.put(OperatorPolicy.ALLOWED_ROOTS, String.join(",", local.allowedRoots().stream()
                .map(Path::toString).toList()));
        settings.put(OperatorPolicy.ALLOW_LOOPBACK, Boolean.toString(local.allowLoopback()));
        settings.put(OperatorPolicy.ALLOW_PRIVATE, Boolean.toString(local.allowPrivateAddresses()));
        settings.put(OperatorPolicy.DATA_DIR, dataDir.toString());
        return settings;
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("fluent-plugin-run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data folder", e);
        }
    }

    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
