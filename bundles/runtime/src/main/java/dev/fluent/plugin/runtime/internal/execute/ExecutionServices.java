package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.api.spi.RateLimitAuthority;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.policy.PolicyChain;
import dev.fluent.plugin.runtime.internal.policy.PlatformConfiguration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every execution of every plugin consults besides its own plugin: the watchdog that enforces
 * deadlines, the audit, the capability providers present and the policy in force; and what every pool
 * shares: the memory budget of the heap and the sweeper of idle instances. One per registry.
 */
public final class ExecutionServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionServices.class);

    private final Watchdog watchdog;
    private final Auditor auditor;
    private final CapabilityProviders providers;
    private final PolicyChain policy;
    private volatile boolean rateLimits = true;
    /** The budget several nodes share, while one is registered; else each plugin's own bucket decides. */
    private volatile RateLimitAuthority rateAuthority;
    private volatile boolean awaitCapabilities;
    private final MemoryBudget memory = MemoryBudget.ofHeap();
    private final IdleSweeper idle = new IdleSweeper();

    public ExecutionServices(Watchdog watchdog, Auditor auditor, CapabilityProviders providers, PolicyService policy) {
        this.watchdog = watchdog;
        this.auditor = auditor;
        this.providers = providers;
        this.policy = new PolicyChain(Objects.requireNonNull(policy, "policy"));
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

    /** Every policy in force now, composed; a grant is computed again when it changes. */
    public PolicyChain policy() {
        return policy;
    }

    /**
     * What a grant computed now depends on: an object that stays the same exactly as long as the policy's
     * answers do (the configuration the built-in policy was made from), or {@code null} when that cannot be
     * known (a policy of another bundle may answer differently at any moment): then it is asked every time.
     */
    public Object policyState() {
        return policy.state();
    }

    /** Makes {@code value} the only policy (outside OSGi: tests, the standalone platform). */
    public void policy(PolicyService value) {
        policy.replaceAll(value);
    }

    /** Whether {@code rate_limit_requests_per_minute} is enforced; off only in tests and benchmarks. */
    public boolean rateLimits() {
        return rateLimits;
    }

    public void rateLimits(boolean enforced) {
        rateLimits = enforced;
    }

    /**
     * Takes one execution of a plugin from its rate: from the shared authority while one is registered (a cluster),
     * else from the plugin's own bucket on this node, as a single platform always did.
     *
     * @param nowNanos {@link System#nanoTime} as the execution started
     * @return 0 when the execution may run, else the milliseconds until one may
     */
    public long acquireRate(RateLimiter local, String pluginId, int perMinute, long nowNanos) {
        if (!rateLimits) {
            return 0;
        }
        RateLimitAuthority authority = rateAuthority;
        return authority == null ? local.tryAcquire(perMinute, nowNanos)
                : authority.tryAcquire(pluginId, perMinute);
    }

    /**
     * Whether admitting an execution waits on nothing outside this JVM's memory: the built-in policy alone decides,
     * and this node's rate buckets (or none).
     */
    public boolean admitsAtOnce() {
        return rateAuthority == null && policy.state() != null;
    }

    /** Makes {@code authority} decide rate limits from now on, or this node's buckets again with {@code null}. */
    public void rateAuthority(RateLimitAuthority authority) {
        rateAuthority = authority;
        LOG.info(authority == null ? "Rate limits: each plugin's bucket on this node"
                : "Rate limits: decided by {} (a budget shared with other nodes)", authority);
    }

    public RateLimitAuthority rateAuthority() {
        return rateAuthority;
    }

    /** The heap the plugins of this registry reserve their worst case from, and their pool size. */
    public MemoryBudget memory() {
        return memory;
    }

    public IdleSweeper idle() {
        return idle;
    }

    /** The runtime's memory settings of {@code etc/dev.fluent.plugin.cfg}; pool sizes apply to later loads. */
    public void configure(PlatformConfiguration configuration) {
        // Config Admin does not enforce the metatype's bounds: a value out of them is brought inside, and said.
        memory.configure(within("memory_budget_percent", configuration.memory__budget__percent(), 1, 100),
                within("pool_size", configuration.pool__size(), 1, 64));
        idle.idleSeconds(within("pool_idle_seconds", configuration.pool__idle__seconds(), 1, Integer.MAX_VALUE));
        awaitCapabilities = configuration.await__capabilities();
    }

    /**
     * {@code await_capabilities}: whether a plugin declaring a capability outside the standard eight that no
     * provider serves loads suspended instead of being refused.
     */
    public boolean awaitCapabilities() {
        return awaitCapabilities;
    }

    public void awaitCapabilities(boolean await) {
        awaitCapabilities = await;
    }

    private static int within(String key, long value, int min, int max) {
        if (value < min || value > max) {
            int used = (int) Math.max(min, Math.min(max, value));
            LOG.warn("{} = {} in etc/{}.cfg is outside {} to {}; using {}", key, value, OperatorPolicy.PID, min, max, used);
            return used;
        }
        return (int) value;
    }

    @Override
    public void close() {
        idle.close();
    }
}
