package dev.fluent.plugin.cluster.internal.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.cluster.ClusterStatus;
import dev.fluent.plugin.cluster.ClusterView;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "plugin", name = "cluster", description = "The cluster: its members, each node's loaded plugins "
        + "with versions, whether it has converged to the catalogue, and its last change.")
@Service
public class ClusterCommand implements Action {

    @Option(name = "--json", description = "One JSON document (snake_case field names)")
    boolean json;

    @Reference
    ClusterView cluster;

    @Override
    public Object execute() throws Exception {
        ClusterStatus status = cluster.status();
        if (json) {
            System.out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(status));
            return null;
        }
        System.out.printf("Cluster %s: %s%s%n", SafeText.escape(status.clusterName()), status.state(),
                status.localMember().isEmpty() ? "" : ", this node " + status.localMember() + progress(status));
        if (!status.enabled()) {
            System.out.println("Enable it with enabled = true in etc/dev.fluent.plugin.cluster.cfg.");
            return null;
        }
        System.out.println("Rate limits: " + status.rateLimits());
        System.out.println("Catalogue:");
        for (ClusterStatus.Entry e : status.catalogue().values()) {
            System.out.printf("  %-24s %-10s %s  %s by %s at %s%n", SafeText.escape(e.id()), SafeText.escape(e.version()),
                    e.checksum().substring(0, Math.min(12, e.checksum().length())), e.loaded() ? "loaded" : "unloaded",
                    e.origin(), Instant.ofEpochMilli(e.changedAt()));
        }
        System.out.println("Members:");
        for (ClusterStatus.Node n : status.nodes()) {
            System.out.printf("  %-22s %-13s %s%n", n.member(), n.converged() ? "converged" : "NOT converged",
                    plugins(n.plugins()));
            n.problems().forEach((id, problem) -> System.out.printf("      %s: %s%n", SafeText.escape(id),
                    SafeText.escape(problem)));
            if (!n.lastChange().isEmpty()) {
                System.out.printf("      last change: %s%n", SafeText.escape(n.lastChange()));
            }
        }
        return null;
    }

    /**
     * Whether this node has been through the catalogue: {@code converged}, or {@code converged except N refused}
     * when its own checks refused some entries (a defined outcome: its trust or policy says no), which
     * {@code bin/start-platform} takes as ready too.
     */
    private static String progress(ClusterStatus status) {
        if (status.converged()) {
            return ", converged";
        }
        long refused = status.nodes().stream().filter(n -> n.member().equals(status.localMember()))
                .mapToLong(n -> n.problems().size()).sum();
        return refused > 0 ? ", converged except " + refused + " refused" : ", converging";
    }

    private static String plugins(Map<String, String> plugins) {
        return plugins.isEmpty() ? "(no plugins)" : plugins.entrySet().stream()
                .map(p -> SafeText.escape(p.getKey()) + " " + SafeText.escape(p.getValue()))
                .collect(Collectors.joining(", "));
    }
}
