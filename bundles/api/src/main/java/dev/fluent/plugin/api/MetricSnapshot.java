package dev.fluent.plugin.api;

import java.util.Objects;

/**
 * One metric a plugin recorded through MetricsAccess, as it stands.
 *
 * @param name the plugin's name for it
 * @param kind counter, gauge or timer
 * @param count how many values were recorded
 * @param value a counter's total, a gauge's last value, a timer's total milliseconds
 * @param min the smallest value recorded (for a counter, the smallest increment)
 * @param max the largest value recorded
 */
public record MetricSnapshot(String name, Kind kind, long count, double value, double min, double max) {

    /** What a metric measures. */
    public enum Kind {
        /** A total that only grows. */
        COUNTER,
        /** A value that is set. */
        GAUGE,
        /** Durations in milliseconds. */
        TIMER
    }

    public MetricSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** For a timer, the mean duration; for other kinds, {@link #value()}. */
    public double mean() {
        return kind == Kind.TIMER && count > 0 ? value / count : value;
    }
}
