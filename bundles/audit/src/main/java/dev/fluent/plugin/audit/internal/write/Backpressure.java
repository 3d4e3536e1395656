package dev.fluent.plugin.audit.internal.write;

import java.util.Locale;

/** What {@code record} does when the writer has fallen so far behind that the queue is full. */
public enum Backpressure {
    /** The caller waits for room, up to the configured bound; past it the entry is dropped (and that is recorded). */
    BLOCK,
    /** The caller never waits: the entry is dropped at once (and that is recorded). */
    DROP;

    public static Backpressure parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("backpressure must be 'block' or 'drop', was '" + value + "'");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
