package dev.fluent.plugin.runtime.internal.host;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capability providers present: which provider serves each capability now (the one of highest service
 * ranking), standard or not, and, per execution, the host functions a plugin may call under its grant
 * (manifest ∩ policy). Providers come and go at any time; an execution works with those present when it
 * started.
 *
 * <p>Capabilities are handled by name: the eight standard ones in import module {@code fluent}, the others
 * in the import module their provider declares. A function is found by its {@link #key}.
 */
public final class CapabilityProviders {

    private static final Logger LOG = LoggerFactory.getLogger(CapabilityProviders.class);

    /** An import module of a capability outside the standard eight: lower-case dotted, at least two parts. */
    private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    /** A host function one execution may call: its capability, definition and that capability's call limit. */
    public record Served(String capability, HostFunctionDefinition definition, int maxCalls) {
    }

    private record Ranked(CapabilityProvider provider, String capability, String module, int ranking,
            long serviceId) {
    }

    private final List<Ranked> providers = new CopyOnWriteArrayList<>();

    /** How a host function is found: its name in module {@code fluent}, else {@code module.name}. */
    public static String key(String module, String function) {
        return Abi.FLUENT_MODULE.equals(module) ? function : module + "." + function;
    }

    /**
     * Adds a provider, after checking its functions against ABI v1 (standard capabilities) or its declared
     * module (others).
     *
     * @return whether it was accepted
     */
    public boolean add(CapabilityProvider provider, int ranking, long serviceId) {
        String problem = problem(provider);
        if (problem == null && !Abi.FLUENT_MODULE.equals(provider.importModule())) {
            // Module fluent is shared by the standard eight; any other module belongs to one capability.
            String module = provider.importModule();
            String capability = provider.capabilityName();
            problem = providers.stream()
                    .filter(r -> r.module.equals(module) && !r.capability.equals(capability))
                    .findFirst()
                    .map(r -> "its import module " + module + " is already served by " + r.provider
                            + " for capability " + r.capability + "; each capability needs a module of its own")
                    .orElse(null);
        }
        if (problem != null) {
            LOG.error("Ignoring capability provider {}: {}", provider, problem);
            return false;
        }
        providers.add(new Ranked(provider, provider.capabilityName(), provider.importModule(), ranking, serviceId));
        return true;
    }

    public void remove(CapabilityProvider provider) {
        providers.removeIf(r -> r.provider == provider);
    }

    /** The capability name a provider was accepted under, or {@code null} when it was not. */
    public String capabilityOf(CapabilityProvider provider) {
        return providers.stream().filter(r -> r.provider == provider).map(Ranked::capability).findFirst().orElse(null);
    }

    /** The provider serving a standard capability now, or {@code null}. */
    public CapabilityProvider provider(Capability capability) {
        return provider(capability.manifestName());
    }

    /** The provider serving the capability of that name now, or {@code null}. */
    public CapabilityProvider provider(String capability) {
        Ranked r = serving(capability);
        return r == null ? null : r.provider;
    }

    private Ranked serving(String capability) {
        return providers.stream()
                .filter(r -> r.capability.equals(capability))
                .min(Comparator.comparingInt((Ranked r) -> -r.ranking).thenComparingLong(r -> r.serviceId))
                .orElse(null);
    }

    /** The capability outside the standard eight whose running provider declares {@code module}, or {@code null}. */
    public String capabilityOfModule(String module) {
        return Abi.FLUENT_MODULE.equals(module) ? null
                : providers.stream().filter(r -> r.module.equals(module)).map(Ranked::capability).findFirst()
                        .orElse(null);
    }

    /** The function {@code name} of module {@code module} as the provider serving it now defines it, or {@code null}. */
    public HostFunctionDefinition function(String module, String name) {
        String capability = capabilityOfModule(module);
        CapabilityProvider p = capability == null ? null : provider(capability);
        return p == null ? null
                : p.functions().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** Why a provider cannot be used, or {@code null}. */
    public static String problem(CapabilityProvider provider) {
        String capability;
        String module;
        List<HostFunctionDefinition> functions;
        try {
            capability = provider.capabilityName();
            module = provider.importModule();
            functions = provider.functions();
        } catch (StackOverflowError e) {
            return "it overrides neither capability() nor capabilityName(); a provider names its capability";
        } catch (RuntimeException e) {
            return "it failed to describe itself: " + e;
        }
        if (capability == null || functions == null || module == null) {
            return "it names no capability, no import module or no functions";
        }
        Set<String> names = new HashSet<>();
        for (HostFunctionDefinition f : functions) {
            if (!names.add(f.name())) {
                return "it defines " + f.name() + " twice";
            }
        }
        Capability standard = Capability.fromManifestName(capability).orElse(null);
        if (standard != null) {
            return standardProblem(standard, module, functions);
        }
        if (!Capability.isExtensionName(capability)) {
            return "capability '" + capability + "' is neither a standard capability nor in "
                    + Capability.EXTENSION_FORM;
        }
        if (!MODULE.matcher(module).matches() || module.length() > 128) {
            return "import module '" + module + "' of " + capability + " must be lower-case and dotted,"
                    + " e.g. com.example.sql, and not " + Abi.FLUENT_MODULE + " or " + Abi.WASI_MODULE;
        }
        if (provider.maxCallsPerExecution() < 1) {
            return "maxCallsPerExecution() is " + provider.maxCallsPerExecution() + "; it must be at least 1";
        }
        return null;
    }

    private static String standardProblem(Capability capability, String module, List<HostFunctionDefinition> functions) {
        if (!Abi.FLUENT_MODULE.equals(module)) {
            return capability + " is a standard capability: its functions live in module " + Abi.FLUENT_MODULE
                    + ", not " + module;
        }
        for (HostFunctionDefinition f : functions) {
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

    /**
     * The capability a plugin needs whose provider is not running (the plugin is suspended), or {@code null}.
     */
    public String unavailable(Set<String> needed, Grant grant) {
        for (String c : needed) {
            if (grant.allows(c) && serving(c) == null) {
                return c;
            }
        }
        return null;
    }

    /**
     * The functions one execution may call, by {@link #key}: for each needed capability, its provider's
     * functions; those of a capability the grant lacks have no definition (a call is refused, naming it).
     */
    public Map<String, Served> definitions(Set<String> needed, Grant grant) {
        if (needed.isEmpty()) {
            return Map.of(); // a plugin that computes only: nothing to look up on each execution
        }
        Map<String, Served> result = new HashMap<>();
        for (String c : needed) {
            Ranked r = serving(c);
            if (r != null) {
                boolean granted = grant.allows(c);
                int limit = r.provider.maxCallsPerExecution();
                r.provider.functions().forEach(f -> result.put(key(r.module, f.name()),
                        new Served(c, granted ? f : null, limit)));
            }
        }
        return result;
    }
}
