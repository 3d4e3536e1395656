package dev.fluent.plugin.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Calls to the container's HTTP service on 127.0.0.1, at the port the test support gave it. */
final class LoopbackHttp {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    LoopbackHttp(String port) {
        this.base = "http://127.0.0.1:" + port;
    }

    String url(String path) {
        return base + path;
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers, String jsonBody)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The whiteboard registers servlets once pax-web runs: waits until {@code path} answers {@code status}. */
    void awaitStatus(String path, int status, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int last = -1;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = send("GET", path, Map.of(), null).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notListeningYet) {
                last = -1;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " did not answer " + status + " within " + timeoutMillis + " ms, last " + last);
    }
}
