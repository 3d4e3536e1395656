package dev.fluent.plugin.http.internal;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.http.internal.audit.CallAudit;
import dev.fluent.plugin.http.internal.auth.Caller;
import dev.fluent.plugin.http.internal.metrics.PlatformMetrics;
import dev.fluent.plugin.http.internal.rest.Access;
import dev.fluent.plugin.http.internal.rest.ApiException;
import dev.fluent.plugin.http.internal.rest.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /metrics}: every loaded plugin's statistics and the audit writer's figures in the Prometheus text
 * format. Authenticated like the API (the read role), unless the operator lets scrapers in anonymously.
 */
@Component(service = Servlet.class, configurationPid = HttpConfig.PID, property = {
        "osgi.http.whiteboard.servlet.pattern=" + MetricsServlet.PATH,
        "osgi.http.whiteboard.servlet.name=fluent-plugin-metrics"})
public final class MetricsServlet extends AuditedServlet {

    static final String PATH = "/metrics";

    private static final long serialVersionUID = 1L;

    private final transient PluginRegistry registry;
    private final transient AuditLog auditLog;
    private final boolean anonymous;

    /** @param auditLog the audit log, whose queue figures are exported while it runs */
    @Activate
    public MetricsServlet(@Reference PluginRegistry registry,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) AuditLog auditLog, HttpConfig config) {
        super(authenticator(config), new CallAudit(Clock.systemUTC()), Roles.of(config));
        this.registry = registry;
        this.auditLog = auditLog;
        this.anonymous = config.metrics_anonymous();
    }

    @Reference(service = AuditSink.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeSink")
    void addSink(AuditSink sink) {
        audit().add(sink);
    }

    void removeSink(AuditSink sink) {
        audit().remove(sink);
    }

    @Override
    protected boolean anonymousAllowed(HttpServletRequest request) {
        return anonymous;
    }

    @Override
    protected Reply serve(Caller caller, HttpServletRequest request) throws ApiException {
        if (!"GET".equals(request.getMethod())) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", PATH + " takes GET, not " + request.getMethod(),
                    Map.of("Allow", "GET"));
        }
        if (!Caller.ANONYMOUS.equals(caller.scheme())) { // an anonymous caller exists only when allowed
            roles().require(caller, Access.READ);
        }
        List<PluginStats> stats = registry.list().stream().map(PluginInfo::id).map(registry::stats)
                .flatMap(Optional::stream).toList();
        String text = PlatformMetrics.render(stats, auditLog == null ? null : auditLog.status());
        return Reply.document(text.getBytes(StandardCharsets.UTF_8), PlatformMetrics.CONTENT_TYPE);
    }
}
