package dev.fluent.plugin.host.network.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCallException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request head a plugin passes to {@code http_request}: JSON
 * {@code {"method": "POST", "url": "https://…", "headers": {"name": "value"}}}. Method defaults to GET,
 * headers to none; members the host does not know are ignored. Every problem is a {@code BAD_HOST_CALL}.
 */
record RequestHead(String method, URI url, Map<String, String> headers) {

    static final int MAX_HEAD_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 64;
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private static final ObjectMapper JSON = new ObjectMapper();

    static RequestHead parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw bad("the request head is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad("the request head must be a JSON object with method, url and headers");
        }
        JsonNode methodNode = root.get("method");
        String method = methodNode == null || methodNode.isNull() ? "GET" : text(methodNode, "method").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw bad("method " + method + " is not one of " + String.join(", ", METHODS.stream().sorted().toList()));
        }
        JsonNode urlNode = root.get("url");
        if (urlNode == null) {
            throw bad("the request head has no url");
        }
        URI url = url(text(urlNode, "url"));
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headersNode = root.get("headers");
        if (headersNode != null && !headersNode.isNull()) {
            if (!headersNode.isObject()) {
                throw bad("headers must be an object of names to string values");
            }
            if (headersNode.size() > MAX_HEADERS) {
                throw bad("at most " + MAX_HEADERS + " headers, got " + headersNode.size());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = headersNode.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                headers.put(e.getKey(), text(e.getValue(), "header " + e.getKey()));
            }
        }
        return new RequestHead(method, url, headers);
    }

    /** Reads a URL: http or https, a host, no user info; the fragment is dropped. */
    static URI url(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw bad("'" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad("'" + text + "': only http and https URLs can be requested");
        }
        if (uri.getHost() == null) {
            throw bad("'" + text + "' has no host (or one a URL cannot hold)");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad("'" + text + "' has user info; send credentials in a header");
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    ? "/" : uri.getPath(), uri.getQuery(), null);
        } catch (URISyntaxException e) {
            throw bad("'" + text + "' is not a URL: " + e.getReason());
        }
    }

    private static String text(JsonNode node, String what) {
        if (!node.isTextual()) {
            throw bad(what + " must be a string");
        }
        return node.textValue();
    }

    private static HostCallException bad(String message) {
        return new HostCallException(ErrorCode.BAD_HOST_CALL, "http_request: " + message);
    }
}
