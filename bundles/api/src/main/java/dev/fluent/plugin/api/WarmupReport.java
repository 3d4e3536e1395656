package dev.fluent.plugin.api;

/**
 * What a plugin's warm-up did at its load: the payloads its manifest declares under {@code warmup}, run again and
 * again without capabilities until the JVM had compiled the plugin's code ({@link PluginManifest#warmup()}).
 *
 * @param payloads the payloads declared
 * @param passes how many times all of them ran (0 if the budget ran out during the first time)
 * @param millis how long the warm-up took, part of the load's time
 * @param firstPassMicros the first pass's time: the code before the JIT compiled it
 * @param lastPassMicros a pass's time at the end: what a request of that size costs from then on
 * @param settled whether the time per pass stopped falling and the JIT had nothing of the plugin's left to compile;
 *        {@code false} when the operator's budget ({@code warmup_budget_ms}) ended it first
 */
public record WarmupReport(int payloads, int passes, long millis, long firstPassMicros, long lastPassMicros,
        boolean settled) {

    /** One line for an operator: {@code 2 payloads, 31 passes in 812 ms; a pass 204.6 ms at first, 15.2 ms at the end}. */
    public String summary() {
        if (passes == 0) {
            return String.format(java.util.Locale.ROOT, "%d payload%s; stopped by its budget after %d ms, in its first"
                    + " pass", payloads, payloads == 1 ? "" : "s", millis);
        }
        return String.format(java.util.Locale.ROOT, "%d payload%s, %d pass%s in %d ms; a pass %.1f ms at first, %.1f ms at"
                + " the end%s", payloads, payloads == 1 ? "" : "s", passes, passes == 1 ? "" : "es", millis,
                firstPassMicros / 1000.0, lastPassMicros / 1000.0, settled ? "" : " (stopped by its budget before it"
                + " settled)");
    }
}
