package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.MetricSnapshot;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginMetrics;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.JsonOutput;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "stats",
        description = "Shows what plugins have done: executions, failures by kind, latency, memory, bytes. "
                + "The same figures are MBeans dev.fluent.plugin:type=Plugin,name=<id>.")
@Service
public class StatsCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = false, description = "One plugin (all of them, as a table, without)")
    @Completion(PluginIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the figures as JSON: one plugin's as GET /fluent/api/plugins/<id>/stats, all as {\"stats\": [...]}")
    boolean json;

    @Option(name = "--cluster", description = "Figures of every node of the cluster, merged: counts added, percentiles "
            + "read from the nodes' summed latency histograms; then each node's share")
    boolean cluster;

    @Reference
    PluginRegistry registry;

    /** Every node's figures, when the cluster feature runs here. */
    @Reference(optional = true)
    ClusterReports clusterReports;

    /** The plugins' own metrics (MetricsAccess), when the metrics provider runs. */
    @Reference(optional = true)
    PluginMetrics metrics;

    @Override
    protected Object run() throws Exception {
        if (cluster) {
            if (clusterReports == null) {
                throw ClusterViews.off();
            }
            List<ClusterReports.NodeStats> nodes = clusterReports.stats();
            if (json) {
                JsonOutput.print(ClusterViews.statsJson(nodes, id), System.out);
            } else {
                ClusterViews.printStats(nodes, id, System.out);
            }
            return null;
        }
        if (json) {
            JsonOutput.print(id == null ? Map.of("stats", registry.list().stream().map(info -> registry.stats(info.id()))
                    .flatMap(Optional::stream).map(JsonViews::stats).toList()) : JsonViews.stats(one(id)), System.out);
        } else if (id == null) {
            printAll();
        } else {
            printOne(one(id));
            printMetrics(id);
        }
        return null;
    }

    private PluginStats one(String pluginId) throws CommandFailure {
        return registry.stats(pluginId).orElseThrow(() -> new CommandFailure(new PluginException(ErrorCode.NOT_LOADED,
                pluginId, "no plugin " + pluginId + " is loaded (plugin:list shows those that are)")));
    }

    private void printAll() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Executions").alignRight();
        table.column("OK").alignRight();
        table.column("Failed").alignRight();
        table.column("Timeout").alignRight();
        table.column("Memory").alignRight();
        table.column("Trap").alignRight();
        table.column("Denied").alignRight();
        table.column("Rate-limited").alignRight();
        table.column("p50 µs").alignRight();
        table.column("p99 µs").alignRight();
        table.column("Max µs").alignRight();
        table.column("Mem high-water").alignRight();
        table.column("Last used");
        for (PluginInfo info : registry.list()) {
            registry.stats(info.id()).ifPresent(s -> table.addRow().addContent(s.pluginId(), s.executions(),
                    s.successes(), s.failureCount(), s.failuresOf(ErrorCode.TIMEOUT),
                    s.failuresOf(ErrorCode.MEMORY_LIMIT), traps(s), denied(s), rateLimited(s), s.latencyP50Micros(),
                    s.latencyP99Micros(), s.latencyMaxMicros(), mib(s.memoryHighWaterBytes()),
                    s.lastUsed() == null ? "never" : s.lastUsed()));
        }
        table.emptyTableText("No plugins loaded");
        table.print(System.out);
    }

    private static void printOne(PluginStats s) {
        ShellTable table = new ShellTable();
        table.noHeaders();
        table.column("Figure");
        table.column("Value");
        row(table, "ID", s.pluginId());
        row(table, "Executions", s.executions());
        row(table, "Successes", s.successes());
        row(table, "Failures", s.failureCount());
        row(table, "  timeouts", s.failuresOf(ErrorCode.TIMEOUT));
        row(table, "  memory limit", s.failuresOf(ErrorCode.MEMORY_LIMIT));
        row(table, "  traps", traps(s));
        row(table, "  denied", denied(s));
        row(table, "  rate-limited or busy", rateLimited(s));
        row(table, "  by code", s.failures().isEmpty() ? "-" : s.failures().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        row(table, "Latency p50", s.latencyP50Micros() + " µs");
        row(table, "Latency p90", s.latencyP90Micros() + " µs");
        row(table, "Latency p99", s.latencyP99Micros() + " µs");
        row(table, "Latency max", s.latencyMaxMicros() + " µs");
        row(table, "Memory high-water", mib(s.memoryHighWaterBytes()));
        row(table, "Network requests", s.networkRequests());
        row(table, "Bytes in", s.bytesIn());
        row(table, "Bytes out", s.bytesOut());
        row(table, "Last used", s.lastUsed() == null ? "never" : s.lastUsed());
        row(table, "Loaded at", s.loadedAt());
        row(table, "Uptime", s.uptime().toSeconds() + " s");
        table.print(System.out);
    }

    /** What the plugin recorded itself through MetricsAccess, one row per metric. */
    private void printMetrics(String pluginId) {
        if (metrics == null || metrics.metrics(pluginId).isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Metric");
        table.column("Kind");
        table.column("Count").alignRight();
        table.column("Value").alignRight();
        table.column("Min").alignRight();
        table.column("Max").alignRight();
        for (MetricSnapshot m : metrics.metrics(pluginId)) {
            table.addRow().addContent(m.name(), m.kind().name().toLowerCase(), m.count(),
                    m.kind() == MetricSnapshot.Kind.TIMER ? String.format("%.1f ms mean", m.mean()) : (long) m.value(),
                    (long) m.min(), (long) m.max());
        }
        System.out.println();
        table.print(System.out);
    }

    private static long traps(PluginStats s) {
        return s.failuresOf(ErrorCode.TRAP, ErrorCode.STACK_EXHAUSTED, ErrorCode.BAD_RESPONSE, ErrorCode.BAD_HOST_CALL);
    }

    private static long denied(PluginStats s) {
        return s.failuresOf(ErrorCode.ACCESS_DENIED, ErrorCode.CAPABILITY_NOT_GRANTED, ErrorCode.CAPABILITY_UNAVAILABLE,
                ErrorCode.LIMIT_EXCEEDED);
    }

    private static long rateLimited(PluginStats s) {
        return s.failuresOf(ErrorCode.RATE_LIMITED, ErrorCode.BUSY);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static void row(ShellTable table, String key, Object value) {
        table.addRow().addContent(key, value);
    }
}
