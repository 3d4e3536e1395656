package dev.fluent.plugin.cluster;

import java.util.List;
import java.util.Map;

/**
 * The cluster as this node sees it.
 *
 * @param enabled whether this node runs a cluster member ({@code enabled} of {@code etc/dev.fluent.plugin.cluster.cfg})
 * @param clusterName the cluster's name
 * @param localMember this node's member address ({@code host:port}), or {@code ""} when not running
 * @param state {@code off}, {@code joining}, {@code member}, or {@code alone} (no other member reachable: this
 *        node keeps serving what it has)
 * @param converged whether this node runs what the catalogue says (every entry applied or refused here for a
 *        reason it shows); {@code bin/start-platform} reports a clustered node ready only then
 * @param catalogue the cluster's catalogue, by plugin id
 * @param nodes every member's status, this node's included
 * @param rateLimits how this node decides rate limits now: {@code cluster-wide}, a share while members are missing,
 *        or a local share when it is alone or cannot reach the cluster (since 1.1)
 */
public record ClusterStatus(boolean enabled, String clusterName, String localMember, String state,
        boolean converged, Map<String, Entry> catalogue, List<Node> nodes, String rateLimits) {

    public ClusterStatus {
        catalogue = sorted(catalogue);
        nodes = List.copyOf(nodes);
        rateLimits = rateLimits == null ? "" : rateLimits;
    }

    /** A status that does not say how rate limits are decided (as before 1.1). */
    public ClusterStatus(boolean enabled, String clusterName, String localMember, String state, boolean converged,
            Map<String, Entry> catalogue, List<Node> nodes) {
        this(enabled, clusterName, localMember, state, converged, catalogue, nodes, "");
    }

    /**
     * One plugin of the catalogue: the version every node converges to, or its removal.
     *
     * @param loaded {@code false} when the plugin was unloaded (kept so that a rejoining node unloads it too)
     * @param checksum the SHA-256 of {@code plugin.wasm}, as the manifest names it
     * @param signature the manifest's signature ({@code null} for an unsigned plugin in development mode): with the
     *        version and the checksum, what tells this version from another
     * @param archive the SHA-256 of the plugin's archive (its manifest and module), which addresses its bytes in
     *        the cluster
     * @param source where the node that changed it loaded it from
     * @param origin the member that changed it
     * @param changedAt when, in milliseconds since the epoch
     */
    public record Entry(String id, String version, String checksum, String signature, String archive,
            boolean loaded, String source, String origin, long changedAt) {
    }

    /**
     * One member.
     *
     * @param member its address
     * @param plugins its loaded plugins: id to version
     * @param converged whether its loaded set is the catalogue's
     * @param problems per plugin id, why it does not run the catalogue's version ({@code KEY_UNTRUSTED: …})
     * @param lastChange the last change it applied or made
     * @param updatedAt when it last reported, in milliseconds since the epoch
     */
    public record Node(String member, Map<String, String> plugins, boolean converged, Map<String, String> problems,
            String lastChange, long updatedAt) {

        public Node {
            plugins = sorted(plugins);
            problems = sorted(problems);
        }
    }

    /** By key, so that output and JSON list them in the same order on every node. */
    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(map));
    }
}
