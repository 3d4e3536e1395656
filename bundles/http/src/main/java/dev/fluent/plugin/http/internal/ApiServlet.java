package dev.fluent.plugin.http.internal;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.http.internal.audit.CallAudit;
import dev.fluent.plugin.http.internal.auth.Caller;
import dev.fluent.plugin.http.internal.rest.ApiException;
import dev.fluent.plugin.http.internal.rest.Bodies;
import dev.fluent.plugin.http.internal.rest.Endpoints;
import dev.fluent.plugin.http.internal.rest.Operation;
import dev.fluent.plugin.http.internal.rest.Reply;
import dev.fluent.plugin.http.internal.rest.Router;
import java.io.IOException;
import java.time.Clock;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The REST API under {@code /fluent/api}, registered with Karaf's HTTP service through the servlet whiteboard.
 * A thin front end: it routes, checks the caller's role and calls the exported services ({@link Endpoints}).
 */
@Component(service = Servlet.class, configurationPid = HttpConfig.PID, property = {
        "osgi.http.whiteboard.servlet.pattern=" + Endpoints.BASE + "/*",
        "osgi.http.whiteboard.servlet.name=fluent-plugin-api"})
@Designate(ocd = HttpConfig.class)
public final class ApiServlet extends AuditedServlet {

    private static final long serialVersionUID = 1L;

    private final transient Endpoints endpoints;
    private final int maxBodyBytes;

    @Activate
    public ApiServlet(@Reference PluginRegistry registry, @Reference PluginSources sources,
            @Reference AuditLog auditLog, HttpConfig config) {
        super(authenticator(config), new CallAudit(Clock.systemUTC()), Roles.of(config));
        this.endpoints = new Endpoints(registry, sources, auditLog, new Bodies(mapper), Endpoints.openApiDocument());
        this.maxBodyBytes = Math.multiplyExact(Math.max(1, config.max_body_kib()), 1024);
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
    protected String concerns(HttpServletRequest request) {
        for (Operation operation : Operation.values()) {
            String id = operation.match(path(request)).map(v -> v.get("id")).orElse(null);
            if (id != null) {
                return id;
            }
        }
        return "";
    }

    @Override
    protected Reply serve(Caller caller, HttpServletRequest request) throws ApiException, PluginException, IOException {
        Router.Match match = Router.route(request.getMethod(), path(request));
        roles().require(caller, match.operation().access());
        byte[] body = body(request, maxBodyBytes);
        return endpoints.handle(match.operation(), match.variables(), request.getParameterMap(), body);
    }

    private static String path(HttpServletRequest request) {
        return request.getPathInfo() == null ? "/" : request.getPathInfo();
    }
}
