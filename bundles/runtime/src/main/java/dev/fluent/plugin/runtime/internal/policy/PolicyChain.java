package dev.fluent.plugin.runtime.internal.policy;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every registered {@link PolicyService}, composed into one: all must allow a load ({@link #check}) and an
 * execution ({@link #checkExecution}), highest ranked first; the grant is the lowest ranked policy's, narrowed
 * by each one above it, so none can widen what another allows. A refusal names the policy it came from; a policy that throws
 * anything else refuses too, since a broken policy must not let plugins through.
 */
public final class PolicyChain implements PolicyService {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyChain.class);

    private record Ranked(PolicyService policy, int ranking, long serviceId) {
    }

    private static final Comparator<Ranked> ORDER =
            Comparator.comparingInt((Ranked r) -> -r.ranking).thenComparingLong(r -> r.serviceId);

    /** The registered policies; changed and read with this object's lock held. */
    private final List<Ranked> policies = new java.util.ArrayList<>();
    /** The policy while no other is registered (outside OSGi, or before the first one binds). */
    private PolicyService fallback;
    /**
     * {@link #policies()} as of the last change, highest ranked first. Every execution asks for it twice (its
     * check and its grant's state), and policies come and go rarely: sorting them on each call was a stream, a
     * sort and a list per execution.
     */
    private volatile List<PolicyService> inForce;

    public PolicyChain(PolicyService fallback) {
        this.fallback = java.util.Objects.requireNonNull(fallback, "fallback");
        refresh();
    }

    public synchronized void add(PolicyService policy, int ranking, long serviceId) {
        policies.add(new Ranked(policy, ranking, serviceId));
        refresh();
    }

    public synchronized void remove(PolicyService policy) {
        policies.removeIf(r -> r.policy == policy);
        refresh();
    }

    /** Makes {@code policy} the only one. */
    public synchronized void replaceAll(PolicyService policy) {
        policies.clear();
        fallback = java.util.Objects.requireNonNull(policy, "policy");
        refresh();
    }

    /** The policies in force, highest ranked first: the registered ones, else the fallback. */
    public List<PolicyService> policies() {
        return inForce;
    }

    /** Called with the lock held, after every change, so that readers never see a list older than the change. */
    private void refresh() {
        List<PolicyService> registered = policies.stream().sorted(ORDER).map(Ranked::policy).toList();
        inForce = registered.isEmpty() ? List.of(fallback) : registered;
    }

    /**
     * What grants depend on, for the runtime's cache: the configuration of the built-in policy when it is the
     * only one, else {@code null} (another bundle's policy may answer differently at any time).
     */
    public Object state() {
        List<PolicyService> all = policies();
        if (all.size() != 1) {
            return null;
        }
        PolicyService only = all.get(0);
        return only instanceof ConfiguredPolicy configured ? configured.current()
                : only instanceof OperatorPolicy ? only : null;
    }

    @Override
    public void check(PluginManifest manifest) throws PluginException {
        for (PolicyService p : policies()) {
            try {
                p.check(manifest);
            } catch (PluginException e) {
                throw named(p, e);
            } catch (RuntimeException e) {
                throw broken(p, manifest, e);
            }
        }
    }

    @Override
    public void checkExecution(PluginManifest manifest) throws PluginException {
        for (PolicyService p : policies()) {
            try {
                p.checkExecution(manifest);
            } catch (PluginException e) {
                throw named(p, e);
            } catch (RuntimeException e) {
                throw broken(p, manifest, e);
            }
        }
    }

    /**
     * The lowest ranked policy's grant (the platform's own), narrowed by each policy above it in turn; every
     * answer is intersected with what it was given, so none widens it. A policy that fails to answer leaves
     * nothing granted (its check before the execution refuses it with the reason).
     */
    @Override
    public Grant grant(PluginManifest manifest) {
        List<PolicyService> lowestFirst = new java.util.ArrayList<>(policies());
        java.util.Collections.reverse(lowestFirst);
        Grant result = null;
        for (PolicyService p : lowestFirst) {
            try {
                result = result == null ? p.grant(manifest) : result.intersect(p.narrow(manifest, result));
            } catch (RuntimeException e) {
                LOG.error("Policy {} failed to compute the grant of plugin {}; granting nothing", policyName(p),
                        manifest.name(), e);
                return nothing(manifest);
            }
        }
        return result;
    }

    private static Grant nothing(PluginManifest manifest) {
        return new Grant(manifest.name(), java.util.Set.of(), new Permissions(0, 0, 0, List.of(), List.of(), 0, 0),
                List.of(), java.nio.file.Path.of("."), false, false);
    }

    @Override
    public String name() {
        return "every registered policy";
    }

    private static String policyName(PolicyService p) {
        try {
            return p.name();
        } catch (RuntimeException e) {
            return p.getClass().getName();
        }
    }

    private static PluginException named(PolicyService p, PluginException e) {
        return new PluginException(e.code(), e.pluginId(), "refused by policy '" + policyName(p) + "': "
                + e.getMessage());
    }

    private static PluginException broken(PolicyService p, PluginManifest manifest, RuntimeException e) {
        LOG.error("Policy {} failed on plugin {}", policyName(p), manifest.name(), e);
        return new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "refused by policy '" + policyName(p)
                + "': it failed (" + e + "), so nothing it governs may run; fix or remove the bundle that"
                + " registers it");
    }
}
