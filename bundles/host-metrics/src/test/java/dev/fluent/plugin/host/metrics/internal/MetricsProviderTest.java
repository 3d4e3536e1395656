package dev.fluent.plugin.host.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.MetricSnapshot;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class MetricsProviderTest {

    private final MetricsProvider provider = new MetricsProvider(config(Map.of("max_metrics_per_plugin", "3")));
    private final HostFunctionDefinition metric = provider.functions().get(0);

    /** A configuration as Declarative Services hands it to the component: same key mapping, same defaults. */
    static MetricsConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(MetricsConfig.class);
    }

    private FakeHostCall call(String plugin) {
        return new FakeHostCall(FakeHostCall.grant(plugin, Permissions.DEFAULTS, Path.of("data"),
                Capability.METRICS_ACCESS), 4096);
    }

    private void record(FakeHostCall call, int kind, String name, long value) {
        long[] s = call.string(name);
        call.call(metric, kind, s[0], s[1], value);
    }

    @Test
    void recordsCountersGaugesAndTimersPerPlugin() {
        FakeHostCall a = call("a");
        record(a, 0, "hits", 1);
        record(a, 0, "hits", 2);
        record(a, 1, "queue", 7);
        record(a, 1, "queue", 4);
        record(a, 2, "latency", 10);
        record(a, 2, "latency", 30);
        assertEquals(List.of(
                new MetricSnapshot("hits", MetricSnapshot.Kind.COUNTER, 2, 3, 1, 2),
                new MetricSnapshot("latency", MetricSnapshot.Kind.TIMER, 2, 40, 10, 30),
                new MetricSnapshot("queue", MetricSnapshot.Kind.GAUGE, 2, 4, 4, 7)), provider.metrics("a"));
        assertEquals(20.0, provider.metrics("a").get(1).mean());
        assertEquals(List.of(), provider.metrics("b"));
    }

    @Test
    void boundsTheNumberOfNames() {
        FakeHostCall a = call("a");
        record(a, 0, "m1", 1);
        record(a, 0, "m2", 1);
        record(a, 0, "m3", 1);
        record(a, 0, "m3", 1);
        HostCallException e = assertThrows(HostCallException.class, () -> record(a, 0, "m4", 1));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertEquals(1, a.denials().size());
    }

    @Test
    void refusesBadInput() {
        FakeHostCall a = call("a");
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class, () -> record(a, 5, "x", 1)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class, () -> record(a, 0, "Bad Name", 1)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class, () -> record(a, 0, "neg", -1)).code());
        record(a, 0, "c", 1);
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class, () -> record(a, 1, "c", 1)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> a.call(metric, 0, 4090, 60, 1)).code());
    }

    @Test
    void readsTheDocumentedKeyWithinItsBounds() {
        assertEquals(3, MetricsProvider.limit(config(Map.of("max_metrics_per_plugin", "3"))));
        assertEquals(MetricsProvider.MAX_METRICS, MetricsProvider.limit(config(Map.of())), "the default");
        assertEquals(64, MetricsProvider.MAX_METRICS);
        assertEquals(1, MetricsProvider.limit(config(Map.of("max_metrics_per_plugin", "0"))));
        assertEquals(10_000, MetricsProvider.limit(config(Map.of("max_metrics_per_plugin", 99_999_999_999L))));
        assertEquals(MetricsProvider.MAX_METRICS, MetricsProvider.limit(config(Map.of("max_metrics_per_plugin", "many"))),
                "a value that is not a number keeps the default");
    }
}
