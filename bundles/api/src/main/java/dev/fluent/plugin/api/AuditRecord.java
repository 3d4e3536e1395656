package dev.fluent.plugin.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit log as it was written.
 *
 * @param seq its position in the chain, from 1
 * @param timestamp when the action happened
 * @param pluginId the plugin, or {@code ""} when none was known
 * @param action what was attempted: {@code load}, {@code unload}, {@code execute} … (see {@link AuditActions})
 * @param resource what it was attempted on, or {@code null}
 * @param success whether it succeeded
 * @param error the error code and message when it failed, else {@code null}
 * @param details further facts (duration, error code, limit hit …)
 * @param prevHash the previous entry's hash (64 zeros for the first entry)
 * @param hash SHA-256 of this entry, lowercase hex
 * @param file the name of the log file holding it
 */
public record AuditRecord(
        long seq,
        Instant timestamp,
        String pluginId,
        String action,
        String resource,
        boolean success,
        String error,
        Map<String, String> details,
        String prevHash,
        String hash,
        String file) {

    public AuditRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        pluginId = pluginId == null ? "" : pluginId;
        Objects.requireNonNull(action, "action");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
