package dev.fluent.plugin.api.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One auditable plugin action, with the original design's fields.
 *
 * @param timestamp when it happened
 * @param pluginId the plugin, or {@code ""} when no id is known (a manifest that did not parse)
 * @param action what was attempted: {@code load}, {@code unload}, {@code execute} … (the platform's are
 *        in {@link dev.fluent.plugin.api.AuditActions})
 * @param resource what it was attempted on (a folder, a request id, a host …), or {@code null}
 * @param success whether it succeeded
 * @param error the error code and message when it failed, else {@code null}
 * @param details further facts (duration, error code, limit hit …)
 */
public record AuditEvent(
        Instant timestamp,
        String pluginId,
        String action,
        String resource,
        boolean success,
        String error,
        Map<String, String> details) {

    public AuditEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        pluginId = pluginId == null ? "" : pluginId;
        Objects.requireNonNull(action, "action");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
