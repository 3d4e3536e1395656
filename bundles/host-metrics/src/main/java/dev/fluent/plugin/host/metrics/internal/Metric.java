package dev.fluent.plugin.host.metrics.internal;

import dev.fluent.plugin.api.MetricSnapshot;

/** One metric of one plugin. Thread-safe. */
final class Metric {

    private final String name;
    private final MetricSnapshot.Kind kind;
    private long count;
    private long value;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    Metric(String name, MetricSnapshot.Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    MetricSnapshot.Kind kind() {
        return kind;
    }

    synchronized void record(long v) {
        count++;
        value = kind == MetricSnapshot.Kind.GAUGE ? v : saturatingAdd(value, v);
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    synchronized MetricSnapshot snapshot() {
        return new MetricSnapshot(name, kind, count, value, count == 0 ? 0 : min, count == 0 ? 0 : max);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
