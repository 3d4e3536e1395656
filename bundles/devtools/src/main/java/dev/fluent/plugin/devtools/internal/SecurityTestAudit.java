package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.devtools.SecurityReport;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each security test in the platform's audit log as {@link AuditActions#SECURITY_TEST}: the sandbox
 * keeps what the plugin did there to itself (its refusals are the report's), but that a folder was run, under
 * which claimed id, and with what verdict, belongs in the real log. With no audit sink (the command line,
 * which has no platform log) the entry goes to the log, as the runtime's audit does.
 */
final class SecurityTestAudit {

    private static final Logger AUDIT_LOG = LoggerFactory.getLogger("dev.fluent.plugin.audit");

    private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();
    private final Clock clock;

    SecurityTestAudit(Clock clock) {
        this.clock = clock;
    }

    void add(AuditSink sink) {
        sinks.add(sink);
    }

    void remove(AuditSink sink) {
        sinks.remove(sink);
    }

    void record(SecurityReport report) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("verdict", report.failed() ? "FAIL" : "PASS");
        details.put("high", Long.toString(report.count(Severity.HIGH)));
        details.put("medium", Long.toString(report.count(Severity.MEDIUM)));
        details.put("low", Long.toString(report.count(Severity.LOW)));
        details.put("probes", Integer.toString(report.probes()));
        details.put("host_calls", Integer.toString(report.hostCalls().size()));
        details.put("refused", Long.toString(report.refusedCalls()));
        AuditEvent event = new AuditEvent(clock.instant(), report.pluginId(), AuditActions.SECURITY_TEST,
                report.folder().toString(), !report.failed(), report.failed() ? report.summary() : null, details);
        if (sinks.isEmpty()) {
            AUDIT_LOG.info("{} {} {} {}", event.pluginId(), event.action(), event.resource(), event.details());
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
