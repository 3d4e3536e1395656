package dev.fluent.plugin.host.metrics.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.MetricSnapshot;
import dev.fluent.plugin.api.PluginMetrics;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.PluginStateHolder;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MetricsAccess: {@code metric(kind, name, value)} records a counter increment (kind 0), a gauge value
 * (kind 1) or a duration in milliseconds (kind 2) under the calling plugin's id. The figures are offered as
 * the {@link PluginMetrics} service for statistics front ends. A plugin may have at most
 * {@value #MAX_METRICS} names ({@code max_metrics_per_plugin} of PID {@value #PID}); one more fails that
 * execution with {@code LIMIT_EXCEEDED}.
 */
@Component(service = {CapabilityProvider.class, PluginMetrics.class}, configurationPid = MetricsProvider.PID)
@Designate(ocd = MetricsConfig.class, factory = false)
public final class MetricsProvider implements CapabilityProvider, PluginMetrics, PluginStateHolder {

    static final String PID = "dev.fluent.plugin.host.metrics";
    static final String MAX_METRICS_KEY = "max_metrics_per_plugin";
    static final int MAX_METRICS = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
    private static final MetricSnapshot.Kind[] KINDS = {
        MetricSnapshot.Kind.COUNTER, MetricSnapshot.Kind.GAUGE, MetricSnapshot.Kind.TIMER};

    private static final Logger LOG = LoggerFactory.getLogger(MetricsProvider.class);

    private final Map<String, Map<String, Metric>> plugins = new ConcurrentHashMap<>();
    private volatile int maxMetrics;

    @Activate
    public MetricsProvider(MetricsConfig config) {
        maxMetrics = limit(config);
    }

    @Modified
    void modified(MetricsConfig config) {
        maxMetrics = limit(config);
    }

    @Override
    public Capability capability() {
        return Capability.METRICS_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.METRIC.define(this::metric));
    }

    @Override
    public List<MetricSnapshot> metrics(String pluginId) {
        Map<String, Metric> metrics = plugins.get(pluginId);
        if (metrics == null) {
            return List.of();
        }
        return metrics.values().stream().map(Metric::snapshot)
                .sorted(Comparator.comparing(MetricSnapshot::name)).toList();
    }

    private long metric(HostCall call, long[] args) {
        int kindIndex = (int) args[0];
        if (kindIndex < 0 || kindIndex >= KINDS.length) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "metric: kind " + kindIndex
                    + " is not 0 (counter), 1 (gauge) or 2 (timer)");
        }
        MetricSnapshot.Kind kind = KINDS[kindIndex];
        if ((args[2] & 0xFFFF_FFFFL) > 64) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "metric: a name is at most 64 bytes");
        }
        String name = call.readString(args[1], args[2]);
        if (!NAME.matcher(name).matches()) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "metric: '" + name
                    + "' is not a metric name (1-64 of a-z, 0-9, '_', '.', '-')");
        }
        long value = args[3];
        if (kind != MetricSnapshot.Kind.GAUGE && value < 0) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "metric: a " + kind.name().toLowerCase()
                    + " value cannot be negative (" + name + " = " + value + ")");
        }
        Map<String, Metric> metrics = plugins.computeIfAbsent(call.pluginId(), id -> new ConcurrentHashMap<>());
        Metric metric = metrics.get(name);
        if (metric == null) {
            synchronized (metrics) {
                metric = metrics.get(name);
                if (metric == null) {
                    if (metrics.size() >= maxMetrics) {
                        throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.METRIC, name, "plugin " + call.pluginId()
                                + " already has " + metrics.size() + " metrics, the most one plugin may have ("
                                + MAX_METRICS_KEY + ")");
                    }
                    metric = new Metric(name, kind);
                    metrics.put(name, metric);
                }
            }
        }
        if (metric.kind() != kind) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "metric: " + name + " is a "
                    + metric.kind().name().toLowerCase() + ", not a " + kind.name().toLowerCase());
        }
        metric.record(value);
        return 0;
    }

    /**
     * The configured most names per plugin, within 1 to 10000; the default when it is not a whole number
     * (Declarative Services converts a value only when it is read, and a typo in the file must not take the
     * capability away).
     */
    static int limit(MetricsConfig config) {
        long configured;
        try {
            configured = config.max__metrics__per__plugin();
        } catch (RuntimeException notANumber) {
            LOG.warn("{} in etc/{}.cfg is not a whole number ({}); using {} until it is", MAX_METRICS_KEY, PID,
                    notANumber.getMessage(), MAX_METRICS);
            configured = MAX_METRICS;
        }
        return (int) Math.max(1, Math.min(10_000, configured));
    }

    /** The id changed owner: the previous owner's metrics are not the new one's. */
    @Override
    public void forget(String pluginId) {
        plugins.remove(pluginId);
    }
}
