package dev.fluent.plugin.http.internal.audit;

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
 * Records every HTTP call in the platform's audit log, as action {@value #ACTION}: the API offers front ends no
 * method to write an entry, so the call is handed to every {@link AuditSink} service, as the runtime does for
 * its own actions. With no sink running the entry goes to the log, as the runtime's does.
 */
public final class CallAudit {

    /** The audit action of an HTTP call. */
    public static final String ACTION = "http";

    private static final Logger AUDIT_LOG = LoggerFactory.getLogger("dev.fluent.plugin.audit");

    private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public CallAudit(Clock clock) {
        this.clock = clock;
    }

    public void add(AuditSink sink) {
        sinks.add(sink);
    }

    public void remove(AuditSink sink) {
        sinks.remove(sink);
    }

    /**
     * One call, answered.
     *
     * @param pluginId the plugin the call concerned, or {@code ""}
     * @param resource method and path, e.g. {@code POST /fluent/api/plugins/echo/execute}
     * @param caller who called (a user or token name, never a secret)
     * @param scheme how the caller was identified: basic, bearer, anonymous, or none for a refused call
     * @param status the HTTP status answered
     * @param error the problem's code and detail when the call failed, else {@code null}
     * @param remote the client's address
     */
    public void record(String pluginId, String resource, String caller, String scheme, int status, String error,
            String remote) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("caller", caller);
        details.put("auth", scheme);
        details.put("status", Integer.toString(status));
        details.put("remote", remote == null ? "-" : remote);
        AuditEvent event = new AuditEvent(clock.instant(), pluginId, ACTION, resource, status < 400, error, details);
        if (sinks.isEmpty()) {
            AUDIT_LOG.info("{} {} {} {} {}", event.pluginId(), event.action(), event.resource(), event.error(),
                    event.details());
            return;
        }
        for (AuditSink sink : sinks) {
            try {
                sink.record(event);
            } catch (RuntimeException e) {
                AUDIT_LOG.error("Audit sink {} failed on {}", sink, event, e);
            }
        }
    }
}
