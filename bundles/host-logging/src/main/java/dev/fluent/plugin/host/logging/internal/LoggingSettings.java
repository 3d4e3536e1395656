package dev.fluent.plugin.host.logging.internal;

import java.util.Map;

/**
 * The log's caps, from configuration PID {@value #PID}.
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

    static LoggingSettings from(Map<String, ?> properties) {
        return new LoggingSettings(
                number(properties, LINES_PER_MINUTE, DEFAULTS.linesPerMinute, 1, 1_000_000),
                number(properties, MAX_CALLS, DEFAULTS.maxCallsPerExecution, 1, 1_000_000),
                number(properties, MAX_LINE_BYTES, DEFAULTS.maxLineBytes, 80, 1024 * 1024));
    }

    private static int number(Map<String, ?> properties, String key, int fallback, int min, int max) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return (int) Math.max(min, Math.min(max, Long.parseLong(String.valueOf(value).trim())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
