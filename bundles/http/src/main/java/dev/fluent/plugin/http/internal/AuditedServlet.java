package dev.fluent.plugin.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.http.internal.audit.CallAudit;
import dev.fluent.plugin.http.internal.auth.AuthenticationFailure;
import dev.fluent.plugin.http.internal.auth.Authenticator;
import dev.fluent.plugin.http.internal.auth.BearerTokens;
import dev.fluent.plugin.http.internal.auth.JaasRealm;
import dev.fluent.plugin.http.internal.auth.Caller;
import dev.fluent.plugin.http.internal.rest.ApiException;
import dev.fluent.plugin.http.internal.rest.Problems;
import dev.fluent.plugin.http.internal.rest.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP call goes through, whatever it asks: the caller is identified first (so that a caller without
 * credentials learns nothing, not even which paths exist), then the subclass serves the call, every failure is
 * answered as a problem detail, and the call is audited with its caller and status.
 */
abstract class AuditedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuditedServlet.class);
    private static final String NO_CALLER = "none";

    protected final transient ObjectMapper mapper = new ObjectMapper();
    private final transient Authenticator authenticator;
    private final transient CallAudit audit;
    private final transient Roles roles;

    AuditedServlet(Authenticator authenticator, CallAudit audit, Roles roles) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.roles = roles;
    }

    /** Serves one authenticated call. */
    protected abstract Reply serve(Caller caller, HttpServletRequest request)
            throws ApiException, PluginException, IOException;

    /**
     * The plugin a call concerns, read from its path alone, for the audit entry of a call refused before it was
     * served (no credentials, a missing role, a bad body); {@code ""} when none.
     */
    protected String concerns(HttpServletRequest request) {
        return "";
    }

    /**
     * The header a page's script sends with its calls ({@code X-Requested-With: XMLHttpRequest}, as the web
     * console does): the page asks for credentials itself, so its 401s must not make the browser do so too.
     */
    static final String SCRIPTED_CALL = "X-Requested-With";

    /** Whether a call without any credentials is let through as {@link Caller#anonymous()}. */
    protected boolean anonymousAllowed(HttpServletRequest request) {
        return false;
    }

    protected Roles roles() {
        return roles;
    }

    protected CallAudit audit() {
        return audit;
    }

    /** The authenticator the configuration describes; unusable token entries are logged and left out. */
    static Authenticator authenticator(HttpConfig config) {
        List<String> problems = new ArrayList<>();
        BearerTokens tokens = BearerTokens.parse(config.tokens(), problems);
        problems.forEach(p -> LOG.error("{}: {}", HttpConfig.PID, p));
        return new Authenticator(new JaasRealm(config.realm()), tokens);
    }

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String resource = request.getMethod() + " " + request.getRequestURI();
        String callerName = "-";
        String scheme = NO_CALLER;
        String pluginId = concerns(request);
        int status = 500;
        String error = null;
        try {
            String authorization = request.getHeader("Authorization");
            Caller caller = authorization == null && anonymousAllowed(request)
                    ? Caller.anonymous() : authenticator.authenticate(authorization);
            callerName = caller.name();
            scheme = caller.scheme();
            Reply reply = serve(caller, request);
            pluginId = reply.pluginId().isEmpty() ? pluginId : reply.pluginId();
            status = reply.status();
            write(response, reply);
        } catch (AuthenticationFailure e) {
            callerName = e.claimed();
            status = 401;
            error = "UNAUTHORIZED: " + e.getMessage();
            response.setHeader("WWW-Authenticate", Authenticator.challenge(request.getHeader(SCRIPTED_CALL)));
            problem(response, Problems.of(401, "UNAUTHORIZED", e.getMessage(), request.getRequestURI()));
        } catch (ApiException e) {
            status = e.status();
            error = e.code() + ": " + e.getMessage();
            e.headers().forEach(response::setHeader);
            problem(response, Problems.of(e, request.getRequestURI()));
        } catch (PluginException e) {
            status = Problems.status(e.code());
            error = e.toString();
            pluginId = e.pluginId() == null ? pluginId : e.pluginId();
            problem(response, Problems.of(e, request.getRequestURI()));
        } catch (RuntimeException e) {
            LOG.error("{} failed", resource, e);
            status = 500;
            error = "INTERNAL: " + e;
            problem(response, Problems.of(500, "INTERNAL", "the platform failed; its log has the details",
                    request.getRequestURI()));
        } finally {
            // Also when the answer could not be written (the client went away): the call was made.
            audit.record(pluginId, resource, callerName, scheme, status, error, request.getRemoteAddr());
        }
    }

    /** The body of the request, at most {@code maxBytes}; JSON only. */
    protected static byte[] body(HttpServletRequest request, int maxBytes) throws ApiException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        String type = request.getContentType();
        if (body.length > 0 && !isJson(type)) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "the body must be JSON (Content-Type: application/json), was " + (type == null ? "untyped" : type));
        }
        return body;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", "the body is larger than " + maxBytes
                + " bytes (max.body.kib of " + HttpConfig.PID + ")");
    }

    private void write(HttpServletResponse response, Reply reply) throws IOException {
        response.setStatus(reply.status());
        if (reply.location() != null) {
            response.setHeader("Location", reply.location());
        }
        if (reply.body() == null) {
            return;
        }
        byte[] bytes = reply.body() instanceof byte[] raw ? raw : mapper.writeValueAsBytes(reply.body());
        response.setContentType(reply.contentType());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private void problem(HttpServletResponse response, Map<String, Object> body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus((Integer) body.get("status"));
        response.setContentType(Problems.MEDIA_TYPE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
