package dev.fluent.plugin.audit.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditRecord;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

/**
 * The EventAdmin form of an audit entry, posted on the topic of its action ({@link AuditActions#topic}:
 * {@code dev/fluent/plugin/audit/<ACTION>}, e.g. {@code …/audit/EXECUTE}).
 */
public final class AuditEvents {

    private AuditEvents() {
    }

    /**
     * Properties: {@code seq} (Long), {@code timestamp} (Long, epoch milliseconds, as EventAdmin has it),
     * {@code time} (RFC 3339 text), {@code plugin_id}, {@code action}, {@code resource}, {@code success}
     * (Boolean), {@code error}, {@code details} (Map), {@code prev_hash}, {@code hash}, {@code file}; absent
     * values are left out.
     */
    public static Event toEvent(AuditRecord r) {
        Map<String, Object> props = new HashMap<>();
        props.put("seq", r.seq());
        props.put(EventConstants.TIMESTAMP, r.timestamp().toEpochMilli());
        props.put("time", r.timestamp().toString());
        props.put("plugin_id", r.pluginId());
        props.put("action", r.action());
        if (r.resource() != null) {
            props.put("resource", r.resource());
        }
        props.put("success", r.success());
        if (r.error() != null) {
            props.put("error", r.error());
        }
        props.put("details", r.details());
        props.put("prev_hash", r.prevHash());
        props.put("hash", r.hash());
        props.put("file", r.file());
        return new Event(AuditActions.topic(r.action()), props);
    }
}
