package dev.fluent.plugin.host.logging.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's caps, from configuration PID {@value #PID} ({@link LoggingConfig}).
 *
 * @param linesPerMinute lines one plugin may log per minute, bursts included ({@value #LINES_PER_MINUTE});
 *        lines beyond are dropped, counted and audited
 * @param maxCallsPerExecution {@code log} calls one execution may make ({@value #MAX_CALLS}); one more is a
 *        log flood and fails the execution
 * @param maxLineBytes longest line kept; the rest is cut ({@value #MAX_LINE_BYTES})
 */
record LoggingSettings(int linesPerMinute, int maxCallsPerExecution, int maxLineBytes) {

    static final String PID = "dev.fluent.plugin.host.logging";
    static final String LINES_PER_MINUTE = "lines_per_minute";
    static final String MAX_CALLS = "max_calls_per_execution";
    static final String MAX_LINE_BYTES = "max_line_bytes";

    static final LoggingSettings DEFAULTS = new LoggingSettings(600, 1000, 4096);

    private static final Logger LOG = LoggerFactory.getLogger(LoggingSettings.class);

    /** The configured caps, each brought within the bounds {@link LoggingConfig} declares. */
    static LoggingSettings from(LoggingConfig config) {
        long lines = orDefault(config::lines__per__minute, LINES_PER_MINUTE, DEFAULTS.linesPerMinute);
        long calls = orDefault(config::max__calls__per__execution, MAX_CALLS, DEFAULTS.maxCallsPerExecution);
        long lineBytes = orDefault(config::max__line__bytes, MAX_LINE_BYTES, DEFAULTS.maxLineBytes);
        return new LoggingSettings(
                (int) Math.max(1, Math.min(1_000_000, lines)),
                (int) Math.max(1, Math.min(1_000_000, calls)),
                (int) Math.max(80, Math.min(1024 * 1024, lineBytes)));
    }

    /**
     * A configured value, or the default when it is not a whole number: Declarative Services converts a value
     * only when it is read, and a typo in the file must not take the capability away.
     */
    private static long orDefault(LongSupplier configured, String key, long fallback) {
        try {
            return configured.getAsLong();
        } catch (RuntimeException notANumber) {
            LOG.warn("{} in etc/{}.cfg is not a whole number ({}); using {} until it is", key, PID,
                    notANumber.getMessage(), fallback);
            return fallback;
        }
    }
}
