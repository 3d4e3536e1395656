package dev.fluent.plugin.host.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.HostPattern;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NetworkAccess without a network: {@code http_request} is checked as the real provider checks it (a URL
 * of http or https with a host, inside {@code allowed_hosts}, within {@code max_network_requests}) and answered
 * with a fixed {@code 200} whose body names the request, so that the same request always gets the same answer.
 * No name is resolved and no socket is opened.
 */
public final class FakeNetwork implements CapabilityProvider {

    /** The body of every answer; the request's method and URL follow it in the head's {@code url}. */
    public static final String ANSWER_BODY = "{\"fake\":true}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final FakeCallLog log;

    public FakeNetwork(FakeCallLog log) {
        this.log = log;
    }

    @Override
    public Capability capability() {
        return Capability.NETWORK_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.HTTP_REQUEST.define(this::request));
    }

    private long request(HostCall call, long[] args) {
        String function = AuditActions.HTTP_REQUEST;
        if ((args[1] & 0xFFFF_FFFFL) > MAX_HEAD_BYTES) {
            throw log.refused(capability(), function, "", new HostCallException(ErrorCode.BAD_HOST_CALL,
                    "http_request: the head is at most " + MAX_HEAD_BYTES + " bytes"));
        }
        String headText = call.readString(args[0], args[1]);
        call.check(args[2], args[3]);
        JsonNode head;
        try {
            head = JSON.readTree(headText);
        } catch (IOException e) {
            head = null;
        }
        if (head == null || !head.isObject() || !head.path("url").isTextual()) {
            throw log.refused(capability(), function, Arguments.shortened(headText), new HostCallException(
                    ErrorCode.BAD_HOST_CALL, "http_request: the head must be a JSON object with a url"));
        }
        String method = head.path("method").asText("GET").toUpperCase(Locale.ROOT);
        String url = head.path("url").asText();
        String argument = Arguments.shortened(method + " " + url);
        URI uri = uri(url);
        if (uri == null) {
            throw log.refused(capability(), function, argument, new HostCallException(ErrorCode.BAD_HOST_CALL,
                    "http_request: '" + url + "' is not an http or https URL with a host"));
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() < 0 ? HostPattern.defaultPort(scheme) : uri.getPort();
        String host;
        try {
            host = HostPattern.canonicalHost(uri.getHost());
        } catch (IllegalArgumentException e) {
            throw log.refused(capability(), function, argument, new HostCallException(ErrorCode.BAD_HOST_CALL,
                    "http_request: " + e.getMessage()));
        }
        if (!allowed(call.grant().permissions().allowedHosts(), scheme, host, port)) {
            throw log.refused(capability(), function, argument, call.deny(ErrorCode.ACCESS_DENIED, function, url,
                    scheme + "://" + host + ":" + port + " is not in allowed_hosts"));
        }
        int max = call.grant().permissions().maxNetworkRequests();
        if (call.count(HostCall.NETWORK_REQUESTS, 1) > max) {
            throw log.refused(capability(), function, argument, call.deny(ErrorCode.LIMIT_EXCEEDED, function, url,
                    "more than max_network_requests=" + max + " in one execution"));
        }
        log.add(capability(), function, argument, FakeCall.ANSWERED);
        call.audit(function, method + " " + url, Map.of("status", "200", "fake", "true"));
        return call.result(answer(url));
    }

    private static boolean allowed(List<String> entries, String scheme, String host, int port) {
        for (String entry : entries) {
            try {
                if (HostPattern.parse(entry).matches(scheme, host, port)) {
                    return true;
                }
            } catch (IllegalArgumentException ignored) {
                // the manifest parser refuses such entries; one that slipped through grants nothing
            }
        }
        return false;
    }

    private static URI uri(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A 4-byte little-endian head length, the head ({@code status}, {@code headers}, {@code url}), the body. */
    private static byte[] answer(String url) {
        ObjectNode head = JSON.createObjectNode();
        head.put("status", 200);
        head.putObject("headers").put("content-type", "application/json");
        head.put("url", url);
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = ANSWER_BODY.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + headBytes.length + body.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(headBytes.length).put(headBytes).put(body).array();
    }
}
