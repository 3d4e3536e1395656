package dev.fluent.plugin.runtime.internal.inspect;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Import;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.ModuleFacts;
import dev.fluent.plugin.api.inspect.PluginInspector;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.ModuleInspector;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.policy.PolicyChain;
import dev.fluent.plugin.runtime.internal.policy.PlatformConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@link PluginInspector}: the {@link LoadPipeline} in its collecting mode, every problem reported instead
 * of the first only, and {@link PluginSandbox}es to run a plugin in (no service, nothing remembered, fake
 * capability providers only, the {@link SandboxPolicy}). It reads the platform's configuration
 * ({@value OperatorPolicy#PID}) for development mode, and checks manifests against the operator's policy in
 * {@link #inspect} (whether the platform would load the plugin); the trust store is the platform's. It holds
 * no capability provider: nothing it runs can reach the platform's. Outside OSGi (the fluent-plugin command
 * line) it is built with {@code new} and given its trust store by hand.
 */
@Component(service = PluginInspector.class, configurationPid = OperatorPolicy.PID)
public final class PluginInspection implements PluginInspector {

    private final ManifestParser parser;
    private final Clock clock;
    /** Outside OSGi: development mode and the policy, from an operator's configuration file. */
    private final Map<String, Object> configuration;
    private volatile boolean developmentMode;
    /** Every policy service in the container, composed; outside OSGi, {@link OperatorPolicy} over the configuration. */
    private final PolicyChain policy;
    private final AtomicReference<TrustStore> trustStore = new AtomicReference<>();
    private final Watchdog watchdog = new Watchdog();
    private final CompileCache compileCache = new CompileCache(null);

    @Activate
    public PluginInspection(@Reference ManifestParser parser, PlatformConfiguration configuration) {
        this(parser, Map.of(), Clock.systemUTC());
        this.developmentMode = configuration.development_mode();
    }

    /**
     * Outside OSGi (the fluent-plugin command line).
     *
     * @param configuration the keys of {@code etc/dev.fluent.plugin.cfg}: development mode and the policy
     */
    public PluginInspection(ManifestParser parser, Map<String, Object> configuration) {
        this(parser, configuration, Clock.systemUTC());
    }

    public PluginInspection(ManifestParser parser, Map<String, Object> configuration, Clock clock) {
        this.parser = parser;
        this.clock = clock;
        this.configuration = configuration == null ? Map.of() : Map.copyOf(configuration);
        this.developmentMode = TrustGate.developmentMode(this.configuration);
        this.policy = new PolicyChain(new OperatorPolicy(this.configuration));
    }

    @Modified
    void modified(PlatformConfiguration configuration) {
        this.developmentMode = configuration.development_mode();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addPolicy(PolicyService service, Map<String, Object> properties) {
        Object ranking = properties.get(org.osgi.framework.Constants.SERVICE_RANKING);
        Object serviceId = properties.get(org.osgi.framework.Constants.SERVICE_ID);
        policy.add(service, ranking instanceof Integer r ? r : 0, serviceId instanceof Long l ? l : 0L);
    }

    public void removePolicy(PolicyService service) {
        policy.remove(service);
    }

    /** Every policy in force, composed; outside OSGi the configuration's. */
    private PolicyService policy() {
        return policy;
    }

    @Deactivate
    public void close() {
        watchdog.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setTrustStore(TrustStore store) {
        trustStore.set(store);
    }

    public void unsetTrustStore(TrustStore store) {
        trustStore.compareAndSet(store, null);
    }

    @Override
    public Inspection inspect(Path folder) {
        Path source = folder.toAbsolutePath().normalize();
        TrustGate trust = trustGate(developmentMode);
        PolicyService policy = policy();
        LoadPipeline.Inspected inspected = new LoadPipeline(parser, trust, compileCache, watchdog, () -> policy, clock)
                .inspect(source);
        LoadPipeline.State state = inspected.state();
        ModuleFacts facts = state.module() == null ? null
                : facts(state.module(), state.wasm().length, state.interpretedFunctions());
        List<Finding> problems = inspected.problems().stream().map(PluginInspection::problem).toList();
        return new Inspection(source, state.manifest(), facts, problems);
    }

    private TrustGate trustGate(boolean developmentMode) {
        TrustGate gate = new TrustGate(parser);
        gate.setDevelopmentMode(developmentMode);
        TrustStore store = trustStore.get();
        if (store != null) {
            gate.bind(store);
        }
        return gate;
    }

    private static ModuleFacts facts(WasmModule module, long size, int interpretedFunctions) {
        List<String> imports = new ArrayList<>();
        var section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            Import imp = section.getImport(i);
            imports.add(imp.module() + "." + imp.name());
        }
        List<String> exports = new ArrayList<>(new LinkedHashSet<>(ModuleInspector.exports(module).keySet()));
        exports.sort(null);
        long initial = -1;
        long maximum = -1;
        var memories = module.memorySection();
        if (memories.isPresent() && memories.get().memoryCount() > 0) {
            var limits = memories.get().getMemory(0).limits();
            initial = limits.initialPages();
            maximum = limits.maximumPages() >= com.dylibso.chicory.wasm.types.MemoryLimits.MAX_PAGES
                    ? -1 : limits.maximumPages();
        }
        return new ModuleFacts(size, imports, exports, initial, maximum, interpretedFunctions);
    }

    public static Finding problem(PluginException e) {
        return new Finding(Severity.HIGH, e.code().name(), e.getMessage(), fix(e.code()));
    }

    /** What an author or operator does about each load failure. */
    public static String fix(ErrorCode code) {
        return switch (code) {
            case PLUGIN_NOT_FOUND -> "point at a folder holding manifest.json and plugin.wasm";
            case MANIFEST_MISSING -> "add a manifest.json (fluent-plugin create writes one)";
            case MANIFEST_INVALID -> "correct the field the message names (rules: bundles/manifest/README.md)";
            case WASM_MISSING -> "build the plugin (./build.sh in a project fluent-plugin create made)";
            case CHECKSUM_MISSING, CHECKSUM_MISMATCH ->
                    "rebuild (./build.sh writes the checksum) or sign the plugin, which sets the checksum";
            case EXPIRED -> "set a later expires_at and sign the plugin again";
            case NOT_YET_VALID -> "set created_at to now or earlier, or check this machine's clock";
            case SIGNATURE_MISSING -> "sign it: fluent-plugin sign --key <private.pem> <folder>";
            case SIGNATURE_MALFORMED, SIGNATURE_INVALID ->
                    "sign the plugin again after the last change to manifest.json or plugin.wasm";
            case ALGORITHM_UNKNOWN, ALGORITHM_UNAVAILABLE -> "sign with ed25519 or rsa (fluent-plugin keygen)";
            case KEY_UNTRUSTED -> "have the operator trust your public key (plugin:trust add <public.pem>),"
                    + " or pass it with --trust <public.pem>";
            case KEY_REVOKED -> "make a new key pair and sign with it; the revoked key is refused for good";
            case KEY_TOO_WEAK -> "sign with an ed25519 key or an RSA key of 3072 bits or more";
            case WASM_INVALID -> "build for wasm32-wasi with the documented toolchain; keep the module under 32 MiB";
            case IMPORT_NOT_ALLOWED -> "declare the capability the import needs, or stop using that host function";
            case ABI_MISMATCH -> "build on the PDK (fluent_plugin! exports the ABI); see docs/abi.md";
            case COMPILE_FAILED -> "simplify the module (very large functions); report it if it persists";
            case CAPABILITY_NOT_GRANTED -> "drop the capability, or ask the operator to allow it";
            case POLICY_REFUSED -> "do what the message names (e.g. set expires_at and sign again), or ask the operator";
            case MEMORY_LIMIT -> "raise max_memory_mb, or start with less memory";
            case TIMEOUT -> "make start-up faster, or raise max_execution_time_ms";
            case TRAP, STACK_EXHAUSTED -> "fix the crash in the plugin's start-up code";
            default -> "see the message";
        };
    }

    @Override
    public Sandbox sandbox(Path folder, boolean developmentMode) throws PluginException {
        return PluginSandbox.start(folder, parser, trustStore.get(), developmentMode || this.developmentMode,
                compileCache, clock);
    }
}
