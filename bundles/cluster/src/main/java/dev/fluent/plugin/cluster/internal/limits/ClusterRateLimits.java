package dev.fluent.plugin.cluster.internal.limits;

import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.RateLimitAuthority;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each plugin's {@code rate_limit_requests_per_minute} for the whole cluster. One token bucket per plugin lives in
 * the cluster (a map entry, at the member owning its partition); each node leases blocks of tokens from it and
 * spends them locally, so an execution makes no network round trip except the one in a block that leases the next.
 * The block is a hundredth of a minute's budget (at least 1), and a lease lapses after {@link #LEASE_MILLIS}: its
 * unspent tokens go back to the bucket with the node's next lease, so what nodes hold unspent is at most one block
 * each, a node with thin traffic takes no more than it spends, and the cluster keeps within a few per cent of the
 * limit however the requests are spread. A node refused by an empty bucket refuses locally until the bucket can
 * hold its next block.
 *
 * <p>Safety without the others: with fewer members present than configured, those present share the rate in
 * proportion ({@code present / expected} of it), and a node alone keeps {@code 1 / expected} of each rate in a local
 * bucket, so the sides of a split never admit more together than the limit. A lease that fails (the cluster
 * unreachable mid-call) decides that execution from the same local share. Every change of mode is logged and shown
 * in {@code plugin:cluster}.
 *
 * <p>The shared buckets are only as honest as the members writing them: whoever reaches the member port can refill
 * them. So each node also keeps the plugin's whole rate as its own ceiling (a local bucket it never exceeds, which
 * never binds while the buckets are honest): a forged bucket cannot make a node admit more than it would alone.
 */
public final class ClusterRateLimits implements RateLimitAuthority {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRateLimits.class);

    /** How long leased tokens stay spendable on a node. */
    static final long LEASE_MILLIS = 1_000;
    /**
     * After a lease got no answer, how long the node decides from its local share before it asks again: a lease
     * waits up to half a second, and executions must not queue behind one such wait after another while the
     * cluster takes its seconds to notice a lost member.
     */
    static final long RETRY_AFTER_FAILURE_MILLIS = 2_000;

    private final SharedBuckets buckets;
    private final IntSupplier present;
    private final IntSupplier configured;
    private final LongSupplier clock;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    private volatile String mode = "cluster-wide";

    /**
     * @param present the members present now
     * @param configured the members this node's configuration lists, itself included
     * @param clock milliseconds since the epoch (the buckets' time, shared by the nodes: keep their clocks in step)
     */
    ClusterRateLimits(BucketStore store, IntSupplier present, IntSupplier configured, LongSupplier clock) {
        this.buckets = new SharedBuckets(store);
        this.present = present;
        this.configured = configured;
        this.clock = clock;
    }

    public static ClusterRateLimits over(BucketStore store, IntSupplier present, IntSupplier configured) {
        return new ClusterRateLimits(store, present, configured, System::currentTimeMillis);
    }

    /** One plugin's tokens on this node: those leased and unspent, and its local share when cut off. */
    private static final class Budget {
        int tokens;
        long leaseEndsAt;
        long emptyUntil;
        SharedBucket local;
        SharedBucket ceiling;
        long localUntil;
    }

    static int block(double perMinute) {
        return (int) Math.max(1, perMinute / 100);
    }

    @Override
    public long tryAcquire(String pluginId, int perMinute) {
        Budget budget = budgets.computeIfAbsent(pluginId, id -> new Budget());
        int here = Math.max(1, present.getAsInt());
        int expected = Math.max(here, configured.getAsInt());
        long now = clock.getAsLong();
        synchronized (budget) {
            if (here == 1 && expected > 1) {
                mode(alone(expected));
                return local(budget, perMinute / (double) expected, now);
            }
            if (now < budget.localUntil) {
                return local(budget, perMinute / (double) expected, now);
            }
            if (budget.tokens > 0 && now < budget.leaseEndsAt) {
                budget.tokens--;
                return ceiling(budget, perMinute, now);
            }
            if (now < budget.emptyUntil) {
                return budget.emptyUntil - now;
            }
            double rate = perMinute * (double) here / expected;
            SharedBuckets.Lease lease;
            try {
                lease = buckets.lease(pluginId, rate, block(rate), budget.tokens, now);
                budget.tokens = 0;
            } catch (RuntimeException e) {
                budget.localUntil = now + RETRY_AFTER_FAILURE_MILLIS;
                mode("UNREACHABLE: the cluster did not answer a lease (" + SafeText.escape(e.toString())
                        + "); each plugin keeps 1/" + expected + " of its rate here until it does");
                return local(budget, perMinute / (double) expected, now);
            }
            mode(shared(here, expected));
            if (lease.granted() > 0) {
                budget.tokens = lease.granted() - 1;
                budget.leaseEndsAt = now + LEASE_MILLIS;
                return ceiling(budget, perMinute, now);
            }
            budget.emptyUntil = now + lease.retryMillis();
            return lease.retryMillis();
        }
    }

    private static long local(Budget budget, double share, long now) {
        SharedBucket bucket = budget.local == null ? SharedBucket.full(share, now) : budget.local.refill(share, now);
        budget.local = bucket.available(1) == 1 ? bucket.take(1) : bucket;
        return bucket.available(1) == 1 ? 0 : bucket.millisUntil(1, share);
    }

    /** An execution the cluster admitted, held to what this node admits alone. */
    private static long ceiling(Budget budget, int perMinute, long now) {
        SharedBucket bucket = budget.ceiling == null ? SharedBucket.full(perMinute, now)
                : budget.ceiling.refill(perMinute, now);
        budget.ceiling = bucket.available(1) == 1 ? bucket.take(1) : bucket;
        return bucket.available(1) == 1 ? 0 : bucket.millisUntil(1, perMinute);
    }

    private void mode(String now) {
        if (!now.equals(mode)) {
            mode = now;
            if (now.startsWith("cluster-wide")) {
                LOG.info("Rate limits: {}", now);
            } else {
                LOG.warn("Rate limits: {}", now);
            }
        }
    }

    private static String alone(int expected) {
        return "ALONE: no other member reachable; each plugin keeps 1/" + expected + " of its rate here";
    }

    private static String shared(int here, int expected) {
        return here == expected ? "cluster-wide" : "cluster-wide, " + here + " of " + expected
                + " members present: they share " + here + "/" + expected + " of each rate";
    }

    /**
     * How rate limits are decided now, for {@code plugin:cluster}: from the members present at this moment, or the
     * last lease's failure until a lease succeeds again.
     */
    public String mode() {
        int here = Math.max(1, present.getAsInt());
        int expected = Math.max(here, configured.getAsInt());
        if (here == 1 && expected > 1) {
            return alone(expected);
        }
        String last = mode;
        return last.startsWith("UNREACHABLE") ? last : shared(here, expected);
    }

    /** Forgets the leases of a plugin this node no longer runs. */
    public void forget(String pluginId) {
        budgets.remove(pluginId);
    }

    @Override
    public String toString() {
        return "the cluster's shared budgets (" + mode + ")";
    }
}
