package dev.fluent.plugin.host.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private HttpServer other;
    private String base;
    private String otherBase;
    private final Map<String, String> names = Map.of("localhost", "127.0.0.1", "rebind.test", "10.0.0.7");
    private final NetworkProvider provider = new NetworkProvider(
            new NetworkSettings(1024 * 1024, 1024 * 1024, 2_000, 10_000, 3), this::resolve);
    private final HostFunctionDefinition http = provider.functions().get(0);

    private InetAddress[] resolve(String host) {
        try {
            String address = names.get(host);
            return address == null ? new InetAddress[] {InetAddress.getByName(host)}
                    : new InetAddress[] {InetAddress.getByName(address)};
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    @BeforeEach
    void servers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hello", ex -> reply(ex, 200, "hi", Map.of("X-Test", "yes")));
        server.createContext("/echo", ex -> reply(ex, 200, ex.getRequestMethod() + " "
                + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), Map.of()));
        server.createContext("/to-metadata", ex -> reply(ex, 302, "", Map.of("Location", "http://169.254.169.254/latest/meta-data")));
        server.createContext("/to-elsewhere", ex -> reply(ex, 301, "", Map.of("Location", "https://evil.example/")));
        server.createContext("/to-other", ex -> reply(ex, 307, "", Map.of("Location", otherBase + "/auth")));
        server.createContext("/loop", ex -> reply(ex, 302, "", Map.of("Location", "/loop")));
        server.createContext("/big", ex -> reply(ex, 200, "x".repeat(2 * 1024 * 1024), Map.of()));
        server.createContext("/big-chunked", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException closedByClient) {
                // expected: the client stops reading at the cap
            }
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "late", Map.of());
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/auth", ex -> reply(ex, 200, "auth=" + ex.getRequestHeaders().getFirst("Authorization")
                + " method=" + ex.getRequestMethod(), Map.of()));
        other.start();
        otherBase = "http://127.0.0.1:" + other.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        other.stop(0);
    }

    private static void reply(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private FakeHostCall call(boolean loopback, int maxRequests, String... hosts) {
        Permissions permissions = new Permissions(64, 30_000, maxRequests, List.of(hosts), List.of(), 1, 60);
        Grant grant = new Grant("net", Set.of(Capability.NETWORK_ACCESS), permissions, List.of(), Path.of("data"),
                loopback, false);
        return new FakeHostCall(grant, 8 * 1024 * 1024);
    }

    private FakeHostCall loopbackCall() {
        return call(true, 10, base, otherBase);
    }

    private long request(FakeHostCall call, String method, String url, String body, Map<String, String> headers) {
        String head;
        try {
            head = JSON.writeValueAsString(Map.of("method", method, "url", url, "headers", headers));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        long[] h = call.string(head);
        long[] b = call.string(body);
        return call.call(http, h[0], h[1], b[0], b[1]);
    }

    private long get(FakeHostCall call, String url) {
        return request(call, "GET", url, "", Map.of());
    }

    private record Reply(JsonNode head, String body) {
    }

    private static Reply decode(FakeHostCall call, long result) {
        byte[] bytes = call.resultBytes(result);
        int headLength = FakeHostCall.u32(bytes);
        try {
            JsonNode head = JSON.readTree(new String(bytes, 4, headLength, StandardCharsets.UTF_8));
            return new Reply(head, new String(Arrays.copyOfRange(bytes, 4 + headLength, bytes.length), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HostCallException refused(ErrorCode code, Runnable action) {
        HostCallException e = assertThrows(HostCallException.class, action::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void getsAResponseFromAnAllowedHost() {
        FakeHostCall call = loopbackCall();
        Reply reply = decode(call, get(call, base + "/hello?key=secret"));
        assertEquals(200, reply.head().get("status").asInt());
        assertEquals("yes", reply.head().get("headers").get("x-test").asText());
        assertEquals("hi", reply.body());
        FakeHostCall.Audited audited = call.audited().get(0);
        assertEquals("GET " + base + "/hello", audited.resource(), "no query string in the audit");
        assertEquals("200", audited.details().get("status"));
    }

    @Test
    void sendsTheBody() {
        FakeHostCall call = loopbackCall();
        assertEquals("POST {\"q\":1}", decode(call, request(call, "POST", base + "/echo", "{\"q\":1}",
                Map.of("Content-Type", "application/json"))).body());
    }

    @Test
    void refusesHostsNotAllowed() {
        FakeHostCall call = loopbackCall();
        HostCallException e = refused(ErrorCode.ACCESS_DENIED, () -> get(call, "https://example.org/"));
        assertTrue(e.getMessage().contains("is not in plugin net's allowed_hosts"), e.getMessage());
        refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://127.0.0.1:1/"));
        assertEquals(2, call.denials().size());
    }

    @Test
    void refusesLoopbackUnlessThePolicyAllowsIt() {
        FakeHostCall call = call(false, 10, base);
        HostCallException e = refused(ErrorCode.ACCESS_DENIED, () -> get(call, base + "/hello"));
        assertTrue(e.getMessage().contains("127.0.0.1 is a loopback address"), e.getMessage());
        assertTrue(e.getMessage().contains("allow_loopback"), e.getMessage());
    }

    @Test
    void refusesMetadataAndPrivateAddresses() {
        FakeHostCall call = call(true, 10, "http://169.254.169.254", "http://10.1.2.3", "http://0.0.0.0");
        assertTrue(refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://169.254.169.254/latest/meta-data"))
                .getMessage().contains("link-local"));
        assertTrue(refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://10.1.2.3/")).getMessage()
                .contains("private address"));
        assertTrue(refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://0.0.0.0/")).getMessage()
                .contains("no plugin may reach"));
    }

    @Test
    void refusesANameThatResolvesToLoopbackOrPrivate() {
        int port = server.getAddress().getPort();
        FakeHostCall call = call(false, 10, "http://localhost:" + port, "http://rebind.test");
        HostCallException e = refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://localhost:" + port + "/hello"));
        assertTrue(e.getMessage().contains("localhost resolves to 127.0.0.1, a loopback address"), e.getMessage());
        e = refused(ErrorCode.ACCESS_DENIED, () -> get(call, "http://rebind.test/"));
        assertTrue(e.getMessage().contains("rebind.test resolves to 10.0.0.7"), e.getMessage());
    }

    @Test
    void rechecksEveryRedirect() {
        FakeHostCall call = call(true, 10, base, "http://169.254.169.254");
        HostCallException e = refused(ErrorCode.ACCESS_DENIED, () -> get(call, base + "/to-metadata"));
        assertTrue(e.getMessage().contains("redirected from " + base + "/to-metadata"), e.getMessage());
        e = refused(ErrorCode.ACCESS_DENIED, () -> get(call(true, 10, base), base + "/to-elsewhere"));
        assertTrue(e.getMessage().contains("https://evil.example:443"), e.getMessage());
    }

    @Test
    void followsAllowedRedirectsWithoutCarryingCredentialsToAnotherOrigin() {
        FakeHostCall call = loopbackCall();
        Reply reply = decode(call, request(call, "POST", base + "/to-other", "x", Map.of("Authorization", "Bearer k")));
        assertEquals("auth=null method=POST", reply.body());
        assertEquals(otherBase + "/auth", reply.head().get("url").asText());
        assertEquals(2, call.audited().size());
    }

    @Test
    void stopsEndlessRedirects() {
        FakeHostCall call = call(true, 100, base);
        assertEquals(HostCall.FAILED, get(call, base + "/loop"));
        assertTrue(call.lastError().startsWith("more than 3 redirects"), call.lastError());
    }

    @Test
    void countsRequestsPerExecutionRedirectsIncluded() {
        FakeHostCall call = call(true, 2, base, otherBase);
        get(call, base + "/hello");
        HostCallException e = refused(ErrorCode.LIMIT_EXCEEDED, () -> get(call, base + "/to-other"));
        assertTrue(e.getMessage().contains("max_network_requests=2"), e.getMessage());
        FakeHostCall none = call(true, 0, base);
        refused(ErrorCode.LIMIT_EXCEEDED, () -> get(none, base + "/hello"));
    }

    @Test
    void capsResponseBodies() {
        FakeHostCall call = loopbackCall();
        refused(ErrorCode.LIMIT_EXCEEDED, () -> get(call, base + "/big"));
        refused(ErrorCode.LIMIT_EXCEEDED, () -> get(loopbackCall(), base + "/big-chunked"));
    }

    @Test
    void waitsNoLongerThanTheExecutionHasLeft() {
        FakeHostCall call = loopbackCall().remaining(Duration.ofMillis(300));
        long started = System.nanoTime();
        assertEquals(HostCall.FAILED, get(call, base + "/slow"));
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "returned within the remaining time");
        assertTrue(call.lastError().contains("within 300 ms"), call.lastError());
        refused(ErrorCode.TIMEOUT, () -> get(loopbackCall().remaining(Duration.ZERO), base + "/hello"));
    }

    @Test
    void aRefusedConnectionIsAFailureThePluginSees() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        FakeHostCall call = call(true, 10, "http://127.0.0.1:" + closed);
        assertEquals(HostCall.FAILED, get(call, "http://127.0.0.1:" + closed + "/"));
        assertTrue(call.lastError().contains("connection refused"), call.lastError());
    }

    @Test
    void refusesBadArguments() {
        FakeHostCall call = loopbackCall();
        refused(ErrorCode.BAD_HOST_CALL, () -> call.call(http, 8 * 1024 * 1024 - 10, 100, 0, 0));
        long[] h = call.string("{\"url\":\"" + base + "/hello\"}");
        refused(ErrorCode.BAD_HOST_CALL, () -> call.call(http, h[0], h[1], 16, 0x8000_0000L));
        refused(ErrorCode.BAD_HOST_CALL, () -> call.call(http, h[0], 0x8000_0000L, 0, 0));
        refused(ErrorCode.BAD_HOST_CALL, () -> request(call, "CONNECT", base, "", Map.of()));
        refused(ErrorCode.BAD_HOST_CALL, () -> request(call, "GET", "file:///etc/passwd", "", Map.of()));
        refused(ErrorCode.BAD_HOST_CALL, () -> request(call, "GET", "http://user:pw@127.0.0.1/", "", Map.of()));
        refused(ErrorCode.BAD_HOST_CALL, () -> request(call, "GET", base + "/hello", "", Map.of("Host", "evil")));
        long[] notJson = call.string("{nope");
        refused(ErrorCode.BAD_HOST_CALL, () -> call.call(http, notJson[0], notJson[1], 0, 0));
    }
}
