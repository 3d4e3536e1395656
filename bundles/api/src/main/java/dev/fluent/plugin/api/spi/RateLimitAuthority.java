package dev.fluent.plugin.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides a plugin's {@code rate_limit_requests_per_minute} instead of this node's own token bucket, for a budget
 * that several nodes share (the cluster registers one while this node is a member). With none registered, the
 * runtime keeps its local bucket per plugin, exactly as a single node always did; with several, it asks the one
 * it bound first.
 *
 * <p>It is asked on every execution, on the caller's thread, before guest code runs: an implementation must answer
 * from memory nearly always (a round trip to other nodes only now and then, e.g. to lease a block of the shared
 * budget), must never throw, and must stay safe when it cannot reach the others (a share of the rate that keeps the
 * whole within the limit).
 *
 * @since 1.3
 */
@ConsumerType
public interface RateLimitAuthority {

    /**
     * Takes one execution of {@code pluginId} from its budget.
     *
     * @param pluginId the plugin about to run
     * @param perMinute its rate in force now: the manifest's {@code rate_limit_requests_per_minute} under the
     *        operator's policy
     * @return 0 when the execution may run; else how many milliseconds until one may (the caller is refused with
     *         {@code RATE_LIMITED} and that hint)
     */
    long tryAcquire(String pluginId, int perMinute);
}
