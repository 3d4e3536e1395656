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

    /** A file of the page: its content type and bytes, read from the bundle once. */
    private record PageFile(String contentType, byte[] content) {
    }

    private final transient Map<String, PageFile> files = Map.of(
            "/index.html", read("index.html", "text/html; charset=utf-8"),
            "/console.js", read("console.js", "text/javascript; charset=utf-8"),
            "/console.css", read("console.css", "text/css; charset=utf-8"));

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            // Relative links of the page resolve against the folder, so it must be addressed as one.
            response.sendRedirect(request.getRequestURI() + "/");
            return;
        }
        PageFile file = files.get(path.equals("/") ? "/index.html" : path);
        if (file == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] content = file.content();
        response.setContentType(file.contentType());
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(content.length);
        response.getOutputStream().write(content);
    }

    private static PageFile read(String name, String contentType) {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the bundle");
            }
            return new PageFile(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
