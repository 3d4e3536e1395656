package dev.fluent.plugin.api;

import java.util.Objects;

/**
 * What an engine answered.
 *
 * @param content the response text
 * @param usage token counts as reported by the plugin (zero when it reported none)
 * @param model the model the plugin names, or {@code ""}
 * @param finishReason why generation stopped, or {@code null}
 * @param cost the cost as reported by the plugin (zero when it reported none)
 */
public record EngineResponse(String content, Usage usage, String model, String finishReason, Cost cost) {

    public EngineResponse {
        Objects.requireNonNull(content, "content");
        usage = usage == null ? Usage.NONE : usage;
        model = model == null ? "" : model;
        cost = cost == null ? Cost.NONE : cost;
    }

    /** Token counts. */
    public record Usage(long promptTokens, long completionTokens, long totalTokens) {
        public static final Usage NONE = new Usage(0, 0, 0);
    }

    /** Cost figures, in the unit the plugin uses. */
    public record Cost(double promptCost, double completionCost, double totalCost) {
        public static final Cost NONE = new Cost(0, 0, 0);
    }
}
