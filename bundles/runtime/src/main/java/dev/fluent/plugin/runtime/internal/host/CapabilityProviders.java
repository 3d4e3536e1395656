package dev.fluent.plugin.runtime.internal.host;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capability providers present: which provider serves each capability now (the one of highest service
 * ranking) and, per execution, the host function definitions a plugin may call under its grant
 * (manifest ∩ policy). Providers come and go at any time; an execution works with those present when it
 * started.
 */
public final class CapabilityProviders {

    private static final Logger LOG = LoggerFactory.getLogger(CapabilityProviders.class);

    private record Ranked(CapabilityProvider provider, int ranking, long serviceId) {
    }

    private final List<Ranked> providers = new CopyOnWriteArrayList<>();
    /**
     * Adds a provider, after checking its functions against ABI v1.
     *
     * @return whether it was accepted
     */
    public boolean add(CapabilityProvider provider, int ranking, long serviceId) {
        String problem = problem(provider);
        if (problem != null) {
            LOG.error("Ignoring capability provider {}: {}", provider, problem);
            return false;
        }
        providers.add(new Ranked(provider, ranking, serviceId));
        return true;
    }

    public void remove(CapabilityProvider provider) {
        providers.removeIf(r -> r.provider == provider);
    }

    /** The provider serving a capability now, or {@code null}. */
    public CapabilityProvider provider(Capability capability) {
        return providers.stream()
                .filter(r -> r.provider.capability() == capability)
                .min(Comparator.comparingInt((Ranked r) -> -r.ranking).thenComparingLong(r -> r.serviceId))
                .map(Ranked::provider)
                .orElse(null);
    }

    /** Why a provider cannot be used, or {@code null}. */
    public static String problem(CapabilityProvider provider) {
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

    /**
     * The capability a plugin needs whose provider is not running (the plugin is suspended), or {@code null}.
     */
    public Capability unavailable(Set<Capability> needed, Grant grant) {
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
    public Map<String, HostFunctionDefinition> definitions(Set<Capability> needed, Grant grant) {
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
