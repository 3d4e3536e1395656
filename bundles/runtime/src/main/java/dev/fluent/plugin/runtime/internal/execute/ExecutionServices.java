package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.util.Objects;

/**
 * What every execution of every plugin consults besides its own plugin: the watchdog that enforces
 * deadlines, the audit, the capability providers present and the policy in force. One per registry.
 */
public final class ExecutionServices {

    private final Watchdog watchdog;
    private final Auditor auditor;
    private final CapabilityProviders providers;
    private volatile PolicyService policy;
    private volatile boolean rateLimits = true;

    public ExecutionServices(Watchdog watchdog, Auditor auditor, CapabilityProviders providers, PolicyService policy) {
        this.watchdog = watchdog;
        this.auditor = auditor;
        this.providers = providers;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public Watchdog watchdog() {
        return watchdog;
    }

    public Auditor auditor() {
        return auditor;
    }

    public CapabilityProviders providers() {
        return providers;
    }

    /** The policy in force now; a grant is computed again when it changes. */
    public PolicyService policy() {
        return policy;
    }

    /**
     * What a grant computed now depends on: an object that stays the same exactly as long as the policy's
     * answers do (the configuration the built-in policy was made from), or {@code null} when that cannot be
     * known (a policy of another bundle may answer differently at any moment): then it is asked every time.
     */
    public Object policyState() {
        PolicyService p = policy;
        if (p instanceof ConfiguredPolicy configured) {
            return configured.current();
        }
        return p instanceof OperatorPolicy ? p : null;
    }

    public void policy(PolicyService value) {
        policy = Objects.requireNonNull(value, "policy");
    }

    /** Whether {@code rate_limit_requests_per_minute} is enforced; off only in tests and benchmarks. */
    public boolean rateLimits() {
        return rateLimits;
    }

    public void rateLimits(boolean enforced) {
        rateLimits = enforced;
    }
}
