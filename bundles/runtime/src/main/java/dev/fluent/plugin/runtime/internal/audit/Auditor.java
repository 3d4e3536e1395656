package dev.fluent.plugin.runtime.internal.audit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every plugin action to the audit sinks present. With no sink installed the events still reach
 * the container's log (logger {@code dev.fluent.plugin.audit}), failures at WARN, so nothing goes unseen.
 */
public final class Auditor {

    private static final Logger AUDIT_LOG = LoggerFactory.getLogger("dev.fluent.plugin.audit");
    private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

    private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();
    private final EventClock clock;

    public Auditor(Clock clock) {
        this.clock = new EventClock(clock);
    }

    public void addSink(AuditSink sink) {
        sinks.add(sink);
    }

    public void removeSink(AuditSink sink) {
        sinks.remove(sink);
    }

    public void success(String pluginId, String action, String resource, Map<String, String> details) {
        success(pluginId, action, resource, details, System.nanoTime());
    }

    /** A success at {@code atNanos}, a reading of {@link System#nanoTime()} the caller took as the action ended. */
    public void success(String pluginId, String action, String resource, Map<String, String> details, long atNanos) {
        record(new AuditEvent(clock.at(atNanos), pluginId, action, resource, true, null, details));
    }

    public void failure(String pluginId, String action, String resource, PluginException error, Map<String, String> details) {
        failure(pluginId, action, resource, error, details, System.nanoTime());
    }

    /** A failure at {@code atNanos}, a reading of {@link System#nanoTime()} the caller took as the action ended. */
    public void failure(String pluginId, String action, String resource, PluginException error, Map<String, String> details,
            long atNanos) {
        Map<String, String> all = new LinkedHashMap<>(details);
        all.put("code", error.code().name());
        if (error.pluginCode() != null) {
            all.put("plugin_code", error.pluginCode());
        }
        String id = pluginId != null ? pluginId : error.pluginId();
        record(new AuditEvent(clock.at(atNanos), id, action, resource, false, error.toString(), all));
    }

    private void record(AuditEvent event) {
        if (sinks.isEmpty()) {
            if (!event.success()) {
                AUDIT_LOG.warn("{} {} {} failed: {} {}", event.pluginId(), event.action(), event.resource(),
                        event.error(), event.details());
            } else if (!AuditActions.EXECUTE.equals(event.action())) {
                AUDIT_LOG.info("{} {} {} {}", event.pluginId(), event.action(), event.resource(), event.details());
            } else if (AUDIT_LOG.isDebugEnabled()) {
                AUDIT_LOG.debug("{} {} {} {}", event.pluginId(), event.action(), event.resource(), event.details());
            }
            return;
        }
        for (AuditSink sink : sinks) {
            try {
                sink.record(event);
            } catch (RuntimeException e) {
                LOG.error("Audit sink {} failed on {}", sink, event, e);
            }
        }
    }
}
