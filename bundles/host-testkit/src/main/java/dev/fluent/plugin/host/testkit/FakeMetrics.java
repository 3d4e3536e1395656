package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MetricsAccess into a sink of its own: {@link #values()} holds the last value of each metric (a counter's
 * sum), at most {@value #MAX_METRICS} names; a new name beyond them is refused with {@code LIMIT_EXCEEDED}.
 */
public final class FakeMetrics implements CapabilityProvider {

    public static final int MAX_METRICS = 100;
    private static final String[] KINDS = {"counter", "gauge", "timer"};

    private final Map<String, Long> values = new TreeMap<>();
    private final FakeCallLog log;

    public FakeMetrics(FakeCallLog log) {
        this.log = log;
    }

    @Override
    public Capability capability() {
        return Capability.METRICS_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.METRIC.define(this::metric));
    }

    /** {@code kind name} → value. */
    public Map<String, Long> values() {
        synchronized (values) {
            return Map.copyOf(values);
        }
    }

    private long metric(HostCall call, long[] args) {
        int kind = (int) args[0];
        if (kind < 0 || kind >= KINDS.length) {
            throw log.refused(capability(), AuditActions.METRIC, "kind " + kind, new HostCallException(
                    ErrorCode.BAD_HOST_CALL, "metric: kind " + kind + " is not 0 (counter), 1 (gauge) or 2 (timer)"));
        }
        String name = Arguments.text(call, args[1], args[2], AuditActions.METRIC, "name");
        String key = KINDS[kind] + " " + Arguments.shortened(name);
        long value = args[3];
        synchronized (values) {
            if (!values.containsKey(key) && values.size() >= MAX_METRICS) {
                throw log.refused(capability(), AuditActions.METRIC, key, call.deny(ErrorCode.LIMIT_EXCEEDED,
                        AuditActions.METRIC, name, "at most " + MAX_METRICS + " metric names"));
            }
            values.merge(key, value, kind == 0 ? Long::sum : (old, now) -> now);
        }
        log.add(capability(), AuditActions.METRIC, key + " " + value, FakeCall.ANSWERED);
        return 0;
    }
}
