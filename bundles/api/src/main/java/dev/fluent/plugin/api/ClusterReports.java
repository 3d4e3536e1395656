package dev.fluent.plugin.api;

import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What every node of a cluster reports about itself, gathered on the node that asks: each node answers from its
 * own registry and audit log (the cluster bundle registers this service; {@code plugin:stats --cluster} and
 * {@code plugin:audit --cluster} are its front ends). A node that does not answer in time is listed with the
 * reason, never left out silently.
 *
 * @since 1.4
 */
@ProviderType
public interface ClusterReports {

    /**
     * Each member's figures of the plugins it runs, latency histograms included, so that {@link
     * PluginStats#merge} gives exact cluster-wide percentiles.
     *
     * @throws PluginException {@link ErrorCode#CLUSTER_UNAVAILABLE} when this node is not a cluster member now
     */
    List<NodeStats> stats() throws PluginException;

    /**
     * Each member's audit entries matching {@code query} (at most {@link AuditQuery#limit()} per node, newest
     * first), and the outcome of walking that node's own hash chain, which each node verifies itself.
     *
     * @throws PluginException {@link ErrorCode#CLUSTER_UNAVAILABLE} when this node is not a cluster member now
     */
    List<NodeAudit> audit(AuditQuery query) throws PluginException;

    /**
     * @param node the member's address, {@code host:port}
     * @param error why it gave no figures (it did not answer in time …), or {@code null} when it answered
     * @param plugins its figures, one per plugin it runs
     */
    record NodeStats(String node, String error, List<PluginStats> plugins) {

        public NodeStats {
            Objects.requireNonNull(node, "node");
            plugins = List.copyOf(plugins);
        }
    }

    /**
     * @param node the member's address, {@code host:port}
     * @param error why it gave no entries, or {@code null} when it answered
     * @param entries its entries that match, newest first
     * @param verification the walk of its own chain ({@code null} when it did not answer): whether it verifies,
     *        how many entries, and the first break
     */
    record NodeAudit(String node, String error, List<AuditRecord> entries, AuditVerification verification) {

        public NodeAudit {
            Objects.requireNonNull(node, "node");
            entries = List.copyOf(entries);
        }
    }
}
