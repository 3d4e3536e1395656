package dev.fluent.plugin.http.internal.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * The web console under {@value #PATH}: one page, its script and its style sheet, served from the bundle. The
 * files hold no data and need no credentials; the page asks for them and calls the REST API with them, so
 * every figure it shows and every button it offers is checked, and audited, by the API like any other call.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + ConsoleServlet.PATH + "/*",
        "osgi.http.whiteboard.servlet.name=fluent-plugin-console"})
public final class ConsoleServlet extends HttpServlet {

    public static final String PATH = "/fluent/console";

    private static final long serialVersionUID = 1L;

    /** What the page may load: its own files and calls to its own origin; nothing inline, no frames. */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static final Map<String, String> FILES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/console.js", "text/javascript; charset=utf-8",
            "/console.css", "text/css; charset=utf-8");

    private final transient Map<String, byte[]> contents = Map.of(
            "/index.html", read("index.html"),
            "/console.js", read("console.js"),
            "/console.css", read("console.css"));

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            // Relative links of the page resolve against the folder, so it must be addressed as one.
            response.sendRedirect(request.getRequestURI() + "/");
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        byte[] content = contents.get(file);
        if (content == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType(FILES.get(file));
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(content.length);
        response.getOutputStream().write(content);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
