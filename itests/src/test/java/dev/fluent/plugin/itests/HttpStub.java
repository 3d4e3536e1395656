package dev.fluent.plugin.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on 127.0.0.1 for the tests inside the container: one request per connection,
 * {@code Content-Length} bodies, routes by path. Written on a plain {@link ServerSocket} so the test needs
 * nothing but {@code java.*} inside OSGi.
 */
final class HttpStub implements AutoCloseable {

    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response text(int status, String body) {
            return new Response(status, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
        }

        static Response json(int status, String body) {
            return new Response(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }

        static Response redirect(String location) {
            return new Response(302, Map.of("Location", location), new byte[0]);
        }
    }

    private final ServerSocket server;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "itest-http-stub");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Function<Request, Response>> routes;
    private final AtomicInteger connections = new AtomicInteger();

    HttpStub(Map<String, Function<Request, Response>> routes) throws IOException {
        this.routes = Map.copyOf(routes);
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        workers.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far, whether or not a request followed. */
    int connections() {
        return connections.get();
    }

    /** {@code http://127.0.0.1:<port>}. */
    String base() {
        return "http://127.0.0.1:" + port();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                workers.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            String path = parts.length > 1 ? parts[1] : "/";
            int query = path.indexOf('?');
            Function<Request, Response> route = routes.get(query < 0 ? path : path.substring(0, query));
            Response response = route == null ? Response.text(404, "no route " + path)
                    : route.apply(new Request(parts[0], path, headers, body));
            write(socket.getOutputStream(), response);
        } catch (SocketException ignored) {
            // the client went away
        } catch (IOException | RuntimeException e) {
            // a broken request: nothing to answer
        }
    }

    private static void write(OutputStream out, Response response) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(" Stub\r\n");
        response.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(response.body());
        out.flush();
    }

    /** One CRLF-terminated line, or {@code null} at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                bytes.write(c);
            }
            if (bytes.size() > 16 * 1024) {
                throw new IOException("header line too long");
            }
        }
        return c < 0 && bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.shutdownNow();
    }
}
