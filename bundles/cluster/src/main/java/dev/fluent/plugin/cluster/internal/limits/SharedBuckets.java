package dev.fluent.plugin.cluster.internal.limits;

/** Leases blocks of tokens from the cluster-wide buckets: one round trip (or a few under contention) per lease. */
final class SharedBuckets {

    /** Tries before a lease gives up under contention and the node decides this execution from its local share. */
    static final int ATTEMPTS = 16;

    /**
     * What a lease gave.
     *
     * @param granted tokens taken from the cluster's bucket for this node, possibly 0
     * @param retryMillis when none: how long until the bucket holds what was asked for
     */
    record Lease(int granted, long retryMillis) {
    }

    private final BucketStore store;

    SharedBuckets(BucketStore store) {
        this.store = store;
    }

    /**
     * Takes up to {@code want} tokens of {@code pluginId}'s bucket, refilled at {@code perMinute} (the rate this node
     * and the members present share), by compare-and-set: a write that raced another node's is read and tried again.
     * The tokens of this node's previous lease that lapsed unspent go back in the same write, so a node whose
     * traffic is thin does not drain the bucket by leasing more than it spends.
     *
     * @param returned unspent tokens of the lapsed previous lease
     * @throws IllegalStateException when contention outlasted {@link #ATTEMPTS} tries
     */
    Lease lease(String pluginId, double perMinute, int want, int returned, long nowMillis) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String old = store.get(pluginId);
            SharedBucket bucket = old == null ? SharedBucket.full(perMinute, nowMillis)
                    : SharedBucket.parse(old, nowMillis).refill(perMinute, nowMillis).giveBack(returned, perMinute);
            int granted = bucket.available(want);
            if (store.compareAndSet(pluginId, old, bucket.take(granted).text())) {
                return new Lease(granted, granted > 0 ? 0 : bucket.millisUntil(want, perMinute));
            }
        }
        throw new IllegalStateException("the cluster-wide bucket of " + pluginId + " changed under " + ATTEMPTS
                + " leases in a row");
    }
}
