package dev.fluent.plugin.runtime.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;

/**
 * The host side of ABI v1 (docs/abi.md): the request JSON written into the guest, and the response frame
 * read back. The guest is not trusted: every field of its answer is checked before it becomes an
 * {@link EngineResponse}.
 */
final class Abi {

    static final int VERSION = 1;

    /** Largest request the host writes into a guest. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    /** Largest response frame the host reads back. */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    /** Longest error code / message taken from a plugin's error frame; the rest is cut. */
    private static final int MAX_ERROR_CODE_CHARS = 64;
    private static final int MAX_ERROR_MESSAGE_CHARS = 2048;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Abi() {
    }

    static byte[] encodeRequest(String pluginId, EngineRequest request, String requestId) throws PluginException {
        ObjectNode node = JSON.createObjectNode();
        node.put("flowname", request.flowname());
        node.put("payload", request.payload());
        node.put("request_id", requestId);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new PluginException(ErrorCode.INTERNAL, pluginId, "could not encode the request: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new PluginException(ErrorCode.BAD_REQUEST, pluginId, "the request is " + bytes.length
                    + " bytes encoded, above the ABI's limit of " + MAX_REQUEST_BYTES);
        }
        return bytes;
    }

    /**
     * @param frameJson the JSON bytes of the response frame (its length prefix already checked)
     */
    static EngineResponse decodeResponse(String pluginId, byte[] frameJson) throws PluginException {
        JsonNode root;
        try {
            root = JSON.readTree(frameJson);
        } catch (java.io.IOException e) {
            throw bad(pluginId, "the response frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw bad(pluginId, "the response frame must hold a JSON object");
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            if (!error.isObject() || !error.path("code").isTextual() || !error.path("message").isTextual()) {
                throw bad(pluginId, "'error' must be an object with string fields 'code' and 'message'");
            }
            String code = clip(error.get("code").asText(), MAX_ERROR_CODE_CHARS);
            String message = clip(error.get("message").asText(), MAX_ERROR_MESSAGE_CHARS);
            throw new PluginException(ErrorCode.PLUGIN_ERROR, pluginId,
                    "the plugin answered with error " + code + ": " + message, code, null);
        }
        JsonNode content = root.get("content");
        if (content == null || !content.isTextual()) {
            throw bad(pluginId, "the response needs a string field 'content'");
        }
        EngineResponse.Usage usage = EngineResponse.Usage.NONE;
        JsonNode u = root.get("usage");
        if (u != null && !u.isNull()) {
            if (!u.isObject()) {
                throw bad(pluginId, "'usage' must be an object");
            }
            usage = new EngineResponse.Usage(count(pluginId, u, "prompt_tokens"),
                    count(pluginId, u, "completion_tokens"), count(pluginId, u, "total_tokens"));
        }
        EngineResponse.Cost cost = EngineResponse.Cost.NONE;
        JsonNode c = root.get("cost");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw bad(pluginId, "'cost' must be an object");
            }
            cost = new EngineResponse.Cost(amount(pluginId, c, "prompt_cost"),
                    amount(pluginId, c, "completion_cost"), amount(pluginId, c, "total_cost"));
        }
        return new EngineResponse(content.asText(), usage, optionalText(pluginId, root, "model"),
                optionalText(pluginId, root, "finish_reason"), cost);
    }

    private static long count(String pluginId, JsonNode parent, String field) throws PluginException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 0) {
            throw bad(pluginId, "usage." + field + " must be a non-negative integer");
        }
        return n.asLong();
    }

    private static double amount(String pluginId, JsonNode parent, String field) throws PluginException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw bad(pluginId, "cost." + field + " must be a finite number");
        }
        return n.asDouble();
    }

    private static String optionalText(String pluginId, JsonNode parent, String field) throws PluginException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw bad(pluginId, "'" + field + "' must be a string or null");
        }
        return n.asText();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static PluginException bad(String pluginId, String message) {
        return new PluginException(ErrorCode.BAD_RESPONSE, pluginId, message);
    }
}
