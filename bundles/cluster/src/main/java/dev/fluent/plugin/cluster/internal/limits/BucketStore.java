package dev.fluent.plugin.cluster.internal.limits;

/** Where the cluster-wide buckets live: a Hazelcast map in a member, a plain map in tests. */
interface BucketStore {

    /** The bucket's text, or {@code null} when none was written yet. */
    String get(String pluginId);

    /**
     * Writes {@code value} only if the bucket still holds {@code expected} ({@code null}: only if absent): one
     * atomic step at the member owning the key, so concurrent leases from several nodes never take the same tokens.
     */
    boolean compareAndSet(String pluginId, String expected, String value);
}
