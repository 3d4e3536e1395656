package dev.fluent.plugin.http.internal.metrics;

import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The platform's figures in the Prometheus text exposition format (version 0.0.4), written by the Prometheus
 * Java client's own writer, which names counters {@code …_total} and escapes label values and help texts as the
 * format requires. Every name starts with {@code fluent_plugin_}; docs/http-api.md lists them.
 *
 * <p>Latency is a summary of the quantiles the runtime keeps ({@link PluginStats} offers percentiles, not
 * buckets), with the count of executions and no sum, which the runtime does not keep.
 */
public final class PlatformMetrics {

    /** The content type of the text format, version 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final String PLUGIN = "plugin";
    private static final double MICROS = 1e-6;

    private PlatformMetrics() {
    }

    /**
     * @param stats the statistics of every loaded plugin
     * @param audit the audit writer's figures, or {@code null} when no audit log runs
     */
    public static String render(List<PluginStats> stats, AuditStatus audit) {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        all.metricSnapshot(gauge("fluent_plugin_loaded_plugins", "Plugins loaded.",
                List.of(GaugeDataPointSnapshot.builder().value(stats.size()).build())));
        all.metricSnapshot(counter("fluent_plugin_executions", "Executions attempted, per plugin.", stats,
                PluginStats::executions));
        all.metricSnapshot(counter("fluent_plugin_execution_successes", "Executions that answered, per plugin.",
                stats, PluginStats::successes));
        all.metricSnapshot(failures(stats));
        all.metricSnapshot(counter("fluent_plugin_rate_limited", "Executions refused by the plugin's rate limit.",
                stats, s -> s.failuresOf(ErrorCode.RATE_LIMITED)));
        all.metricSnapshot(counter("fluent_plugin_busy",
                "Executions refused because every instance of the plugin was busy.", stats,
                s -> s.failuresOf(ErrorCode.BUSY)));
        all.metricSnapshot(latency(stats));
        all.metricSnapshot(perPluginGauge("fluent_plugin_execution_latency_max_seconds",
                "The longest execution, per plugin.", stats, s -> s.latencyMaxMicros() * MICROS));
        all.metricSnapshot(perPluginGauge("fluent_plugin_memory_high_water_bytes",
                "The largest linear memory an execution used, per plugin.", stats, PluginStats::memoryHighWaterBytes));
        all.metricSnapshot(counter("fluent_plugin_network_requests", "Network requests made through NetworkAccess.",
                stats, PluginStats::networkRequests));
        all.metricSnapshot(counter("fluent_plugin_request_bytes", "Request bytes handed to the plugin.", stats,
                PluginStats::bytesIn));
        all.metricSnapshot(counter("fluent_plugin_response_bytes", "Response bytes the plugin returned.", stats,
                PluginStats::bytesOut));
        if (audit != null) {
            auditMetrics(all, audit);
        }
        return write(all.build());
    }

    private static void auditMetrics(MetricSnapshots.Builder all, AuditStatus audit) {
        all.metricSnapshot(gauge("fluent_plugin_audit_queue_depth", "Audit entries accepted but not yet written.",
                List.of(GaugeDataPointSnapshot.builder().value(audit.queued()).build())));
        all.metricSnapshot(gauge("fluent_plugin_audit_queue_capacity",
                "Audit entries that may wait before backpressure applies.",
                List.of(GaugeDataPointSnapshot.builder().value(audit.queueCapacity()).build())));
        all.metricSnapshot(single("fluent_plugin_audit_entries_written", "Audit entries written since the writer started.",
                audit.written()));
        all.metricSnapshot(single("fluent_plugin_audit_waited", "Audit record calls that waited for room in the queue.",
                audit.waited()));
        all.metricSnapshot(single("fluent_plugin_audit_dropped", "Audit entries lost because the queue stayed full.",
                audit.dropped()));
    }

    private static CounterSnapshot failures(List<PluginStats> stats) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name("fluent_plugin_execution_failures")
                .help("Failed executions, per plugin and error code.");
        for (PluginStats s : stats) {
            for (Map.Entry<ErrorCode, Long> e : new TreeMap<>(s.failures()).entrySet()) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(e.getValue())
                        .labels(Labels.of(PLUGIN, s.pluginId(), "code", e.getKey().name())).build());
            }
        }
        return b.build();
    }

    private static SummarySnapshot latency(List<PluginStats> stats) {
        SummarySnapshot.Builder b = SummarySnapshot.builder().name("fluent_plugin_execution_latency_seconds")
                .help("Execution latency quantiles, per plugin.");
        for (PluginStats s : stats) {
            b.dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of(PLUGIN, s.pluginId()))
                    .count(s.executions())
                    .quantiles(Quantiles.of(new Quantile(0.5, s.latencyP50Micros() * MICROS),
                            new Quantile(0.9, s.latencyP90Micros() * MICROS),
                            new Quantile(0.99, s.latencyP99Micros() * MICROS)))
                    .build());
        }
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, List<PluginStats> stats,
            ToDoubleFunction<PluginStats> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (PluginStats s : stats) {
            b.dataPoint(CounterDataPointSnapshot.builder().value(value.applyAsDouble(s))
                    .labels(Labels.of(PLUGIN, s.pluginId())).build());
        }
        return b.build();
    }

    private static CounterSnapshot single(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot perPluginGauge(String name, String help, List<PluginStats> stats,
            ToDoubleFunction<PluginStats> value) {
        return gauge(name, help, stats.stream().map(s -> GaugeDataPointSnapshot.builder()
                .value(value.applyAsDouble(s)).labels(Labels.of(PLUGIN, s.pluginId())).build()).toList());
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static String write(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build().write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
