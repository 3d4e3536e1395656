package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.api.spi.ValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links plugins to the capability providers present: which provider serves each capability now (the one of
 * highest service ranking), the host functions of module {@code fluent} an instance imports, and, per
 * execution, the definitions a plugin may call under its grant (manifest ∩ policy). Providers come and go
 * at any time; an execution works with those present when it started.
 *
 * <p>Instances are made once and reused, so the functions bound into an instance only dispatch: what runs is
 * decided per execution, by the {@link HostCallContext} of the execution the instance serves.
 */
final class CapabilityLinker {

    private static final Logger LOG = LoggerFactory.getLogger(CapabilityLinker.class);

    private record Ranked(CapabilityProvider provider, int ranking, long serviceId) {
    }

    private final List<Ranked> providers = new CopyOnWriteArrayList<>();
    private volatile PolicyService policy = new OperatorPolicy(Map.of());
    private volatile boolean rateLimits = true;

    void setPolicy(PolicyService value) {
        policy = value;
    }

    PolicyService policy() {
        return policy;
    }

    /** Whether {@code rate_limit_requests_per_minute} is enforced; off only in tests and benchmarks. */
    boolean rateLimits() {
        return rateLimits;
    }

    void rateLimits(boolean enforced) {
        rateLimits = enforced;
    }

    /**
     * Adds a provider, after checking its functions against ABI v1.
     *
     * @return whether it was accepted
     */
    boolean add(CapabilityProvider provider, int ranking, long serviceId) {
        String problem = problem(provider);
        if (problem != null) {
            LOG.error("Ignoring capability provider {}: {}", provider, problem);
            return false;
        }
        providers.add(new Ranked(provider, ranking, serviceId));
        return true;
    }

    void remove(CapabilityProvider provider) {
        providers.removeIf(r -> r.provider == provider);
    }

    /** The provider serving a capability now, or {@code null}. */
    CapabilityProvider provider(Capability capability) {
        return providers.stream()
                .filter(r -> r.provider.capability() == capability)
                .min(Comparator.comparingInt((Ranked r) -> -r.ranking).thenComparingLong(r -> r.serviceId))
                .map(Ranked::provider)
                .orElse(null);
    }

    /** Why a provider cannot be used, or {@code null}. */
    static String problem(CapabilityProvider provider) {
        Capability capability;
        List<HostFunctionDefinition> functions;
        try {
            capability = provider.capability();
            functions = provider.functions();
        } catch (RuntimeException e) {
            return "it failed to describe itself: " + e;
        }
        if (capability == null || functions == null) {
            return "it names no capability or no functions";
        }
        Set<String> names = new java.util.HashSet<>();
        for (HostFunctionDefinition f : functions) {
            if (!names.add(f.name())) {
                return "it defines " + f.name() + " twice";
            }
            StandardHostFunction standard = StandardHostFunction.named(f.name()).orElse(null);
            if (standard == null || standard.capability().orElse(null) != capability) {
                return "fluent." + f.name() + " is not a host function of " + capability + " in ABI v1";
            }
            if (!f.params().equals(standard.params()) || !f.results().equals(standard.results())) {
                return "fluent." + f.name() + " has type " + f.signature() + ", ABI v1 says "
                        + standard.define((c, a) -> 0).signature();
            }
        }
        return null;
    }

    /** The capabilities a module needs a provider for: those of its {@code fluent} imports. */
    static Set<Capability> needed(WasmModule module) {
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        for (String name : fluentImports(module).keySet()) {
            StandardHostFunction.named(name).flatMap(StandardHostFunction::capability).ifPresent(needed::add);
        }
        return needed;
    }

    /** The module's imports from module {@code fluent}, by name, with their types. */
    static Map<String, FunctionType> fluentImports(WasmModule module) {
        Map<String, FunctionType> result = new HashMap<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (ModuleInspector.FLUENT_MODULE.equals(imp.module()) && imp instanceof FunctionImport f) {
                result.put(imp.name(), module.typeSection().getType(f.typeIndex()));
            }
        }
        return result;
    }

    /** The standard type of a function, as Chicory writes it. */
    static FunctionType typeOf(StandardHostFunction f) {
        return FunctionType.of(f.params().stream().map(CapabilityLinker::valType).toList(),
                f.results().stream().map(CapabilityLinker::valType).toList());
    }

    private static ValType valType(ValueType t) {
        return t == ValueType.I64 ? ValType.I64 : ValType.I32;
    }

    /**
     * The WASI functions plus a dispatching function for each {@code fluent} import of the module. Bound once
     * per instance; each call goes to the {@link HostCallContext} of the execution being served.
     */
    static List<ImportFunction> withHostFunctions(List<ImportFunction> wasi, WasmModule module,
            Supplier<ExecutionContext> current) {
        List<ImportFunction> all = new ArrayList<>(wasi);
        fluentImports(module).forEach((name, type) -> all.add(new HostFunction(ModuleInspector.FLUENT_MODULE, name, type,
                (instance, args) -> {
                    ExecutionContext ctx = current.get();
                    HostCallContext calls = ctx == null ? null : ctx.hostCalls();
                    if (calls == null) {
                        throw new HostFault(ErrorCode.CAPABILITY_UNAVAILABLE, "fluent." + name
                                + " was called outside an execution (while the module started); host functions"
                                + " are available only during execute_request");
                    }
                    long result = calls.invoke(name, instance, args);
                    return type.returns().isEmpty() ? null : new long[] {result};
                })));
        return all;
    }

    /** The load-time policy step: capabilities the policy forbids, memory beyond its cap. */
    void checkLoad(PluginManifest manifest) throws PluginException {
        policy.check(manifest);
    }

    /**
     * The capability a plugin needs whose provider is not running (the plugin is suspended), or {@code null}.
     */
    Capability unavailable(Set<Capability> needed, Grant grant) {
        for (Capability c : needed) {
            if (grant.allows(c) && provider(c) == null) {
                return c;
            }
        }
        return null;
    }

    /**
     * The definitions one execution may call: for each needed capability the plugin holds, its provider's
     * functions by name. Functions of capabilities the grant lacks are absent (a call is refused).
     */
    Map<String, HostFunctionDefinition> definitions(Set<Capability> needed, Grant grant) {
        if (needed.isEmpty()) {
            return Map.of(); // a plugin that computes only: nothing to look up on each execution
        }
        Map<String, HostFunctionDefinition> result = new HashMap<>();
        Map<Capability, CapabilityProvider> chosen = new EnumMap<>(Capability.class);
        for (Capability c : needed) {
            if (grant.allows(c)) {
                CapabilityProvider p = provider(c);
                if (p != null) {
                    chosen.put(c, p);
                }
            }
        }
        chosen.values().forEach(p -> p.functions().forEach(f -> result.put(f.name(), f)));
        return result;
    }
}
