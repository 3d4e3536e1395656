package dev.fluent.plugin.api;

import java.util.Objects;

/**
 * One request to an engine.
 *
 * @param flowname the flow the request belongs to, or {@code null}
 * @param payload the request text handed to the plugin
 */
public record EngineRequest(String flowname, String payload) {

    public EngineRequest {
        Objects.requireNonNull(payload, "payload");
    }

    public static EngineRequest of(String payload) {
        return new EngineRequest(null, payload);
    }
}
