package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.devtools.CommandFailure;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * What {@code plugin:stats --cluster} and {@code plugin:audit --cluster} print: every node's answers merged (figures
 * added, percentiles from the summed histograms; entries by time, each naming its node) and, per node, whether it
 * answered and whether its own chain verifies.
 */
final class ClusterViews {

    private ClusterViews() {
    }

    static CommandFailure off() {
        return new CommandFailure(ErrorCode.CLUSTER_UNAVAILABLE + ": the cluster feature is not installed on this "
                + "node: feature:install --no-auto-refresh fluent-plugin-cluster, and enabled = true in "
                + "etc/dev.fluent.plugin.cluster.cfg (docs/cluster.md)");
    }

    /** Per plugin id, its figures merged over the nodes that run it, and how many do. */
    static Map<String, PluginStats> merged(List<ClusterReports.NodeStats> nodes, Map<String, Integer> runOn) {
        Map<String, List<PluginStats>> byId = new TreeMap<>();
        nodes.forEach(n -> n.plugins().forEach(s -> byId.computeIfAbsent(s.pluginId(), id -> new ArrayList<>()).add(s)));
        Map<String, PluginStats> merged = new LinkedHashMap<>();
        byId.forEach((id, parts) -> {
            merged.put(id, PluginStats.merge(parts));
            runOn.put(id, parts.size());
        });
        return merged;
    }

    static void printStats(List<ClusterReports.NodeStats> nodes, String only, PrintStream out) {
        Map<String, Integer> runOn = new TreeMap<>();
        Map<String, PluginStats> merged = merged(nodes, runOn);
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Nodes").alignRight();
        table.column("Executions").alignRight();
        table.column("OK").alignRight();
        table.column("Failed").alignRight();
        table.column("Rate-limited").alignRight();
        table.column("p50 µs").alignRight();
        table.column("p90 µs").alignRight();
        table.column("p99 µs").alignRight();
        table.column("Max µs").alignRight();
        merged.values().stream().filter(s -> only == null || only.equals(s.pluginId())).forEach(s -> table.addRow()
                .addContent(SafeText.escape(s.pluginId()), runOn.get(s.pluginId()), s.executions(), s.successes(),
                        s.failureCount(), s.failuresOf(ErrorCode.RATE_LIMITED, ErrorCode.BUSY), s.latencyP50Micros(),
                        s.latencyP90Micros(), s.latencyP99Micros(), s.latencyMaxMicros()));
        table.emptyTableText(only == null ? "No node runs a plugin" : "No node runs " + SafeText.escape(only));
        table.print(out);
        out.println("Per node:");
        for (ClusterReports.NodeStats n : nodes) {
            if (n.error() != null) {
                out.printf("  %-22s NO FIGURES: %s%n", n.node(), SafeText.escape(n.error()));
                continue;
            }
            List<PluginStats> shown = n.plugins().stream().filter(s -> only == null || only.equals(s.pluginId()))
                    .toList();
            out.printf("  %-22s %d executions, %d plugin%s%n", n.node(),
                    shown.stream().mapToLong(PluginStats::executions).sum(), shown.size(), shown.size() == 1 ? "" : "s");
        }
    }

    static Map<String, Object> statsJson(List<ClusterReports.NodeStats> nodes, String only) {
        Map<String, Integer> runOn = new TreeMap<>();
        List<Map<String, Object>> merged = new ArrayList<>();
        merged(nodes, runOn).values().stream().filter(s -> only == null || only.equals(s.pluginId())).forEach(s -> {
            Map<String, Object> view = JsonViews.stats(s);
            view.put("nodes", runOn.get(s.pluginId()));
            merged.add(view);
        });
        List<Map<String, Object>> perNode = new ArrayList<>();
        for (ClusterReports.NodeStats n : nodes) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node", n.node());
            node.put("error", n.error());
            node.put("stats", n.plugins().stream().filter(s -> only == null || only.equals(s.pluginId()))
                    .map(JsonViews::stats).toList());
            perNode.add(node);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stats", merged);
        out.put("nodes", perNode);
        return out;
    }

    /** An entry with the node that wrote it. */
    record NodeEntry(String node, AuditRecord record) {
    }

    /** Every node's entries, newest first, at most {@code limit} of them. */
    static List<NodeEntry> entries(List<ClusterReports.NodeAudit> nodes, int limit) {
        List<NodeEntry> all = new ArrayList<>();
        nodes.forEach(n -> n.entries().forEach(r -> all.add(new NodeEntry(n.node(), r))));
        all.sort(Comparator.comparing((NodeEntry e) -> e.record().timestamp()).reversed()
                .thenComparing(NodeEntry::node).thenComparing(e -> -e.record().seq()));
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** One line per node: its chain's outcome, or why it gave nothing. */
    static List<String> chains(List<ClusterReports.NodeAudit> nodes) {
        List<String> lines = new ArrayList<>();
        for (ClusterReports.NodeAudit n : nodes) {
            AuditVerification v = n.verification();
            if (n.error() != null || v == null) {
                lines.add(String.format("  %-22s NO ANSWER: %s", n.node(), SafeText.escape(String.valueOf(n.error()))));
            } else if (v.ok()) {
                lines.add(String.format("  %-22s chain OK: %d entries in %d file%s", n.node(), v.entriesChecked(),
                        v.filesChecked(), v.filesChecked() == 1 ? "" : "s"));
            } else {
                lines.add(String.format("  %-22s chain BROKEN after %d intact entries: %s", n.node(),
                        v.entriesChecked(), SafeText.escape(v.firstBreak().toString())));
            }
        }
        return lines;
    }

    static void printAudit(List<NodeEntry> entries, List<ClusterReports.NodeAudit> nodes, PrintStream out) {
        ShellTable table = new ShellTable();
        table.column("Time");
        table.column("Node");
        table.column("Seq").alignRight();
        table.column("Plugin");
        table.column("Action");
        table.column("Result");
        table.column("Resource").maxSize(50).wrap();
        table.column("Error / details").maxSize(80).wrap();
        for (NodeEntry e : entries) {
            AuditRecord r = e.record();
            table.addRow().addContent(r.timestamp().truncatedTo(ChronoUnit.MILLIS), e.node(), r.seq(),
                    r.pluginId().isEmpty() ? "-" : SafeText.escape(r.pluginId()), SafeText.escape(r.action()),
                    r.success() ? "ok" : "FAILED", r.resource() == null ? "-" : SafeText.escape(r.resource()),
                    SafeText.escape(r.error() == null ? "-" : r.error()));
        }
        table.emptyTableText("No audit entries match on any node");
        table.print(out);
        out.println("Each node's own chain:");
        chains(nodes).forEach(out::println);
    }

    static Map<String, Object> auditJson(List<NodeEntry> entries, List<ClusterReports.NodeAudit> nodes) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (NodeEntry e : entries) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("node", e.node());
            view.putAll(JsonViews.auditRecord(e.record()));
            all.add(view);
        }
        List<Map<String, Object>> perNode = new ArrayList<>();
        for (ClusterReports.NodeAudit n : nodes) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node", n.node());
            node.put("error", n.error());
            node.put("verification", n.verification() == null ? null : JsonViews.verification(n.verification()));
            perNode.add(node);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", all);
        out.put("nodes", perNode);
        return out;
    }

    /** Fails the command when a node gave nothing or its chain is broken: the view is then not the whole truth. */
    static void requireWhole(List<ClusterReports.NodeAudit> nodes) throws CommandFailure {
        List<String> missing = nodes.stream().filter(n -> n.error() != null || n.verification() == null)
                .map(ClusterReports.NodeAudit::node).toList();
        List<String> broken = nodes.stream().filter(n -> n.verification() != null && !n.verification().ok())
                .map(ClusterReports.NodeAudit::node).toList();
        if (!broken.isEmpty()) {
            throw new CommandFailure("AUDIT_CHAIN_BROKEN: the chain of " + String.join(", ", broken) + " does not verify"
                    + " (plugin:audit --verify on that node names the break)");
        }
        if (!missing.isEmpty()) {
            throw new CommandFailure(ErrorCode.CLUSTER_UNAVAILABLE + ": no entries from " + String.join(", ", missing)
                    + " (see above); the view lacks them");
        }
    }
}
