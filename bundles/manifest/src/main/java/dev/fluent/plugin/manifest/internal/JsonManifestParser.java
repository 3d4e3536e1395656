package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link ManifestParser} service: strict JSON first (UTF-8, one object, no duplicate keys, nothing
 * after it, at most {@value #MAX_BYTES} bytes), then every field against the design's table
 * ({@link ManifestReader}). Stateless and thread-safe; tests build it with {@code new}.
 */
@Component(service = ManifestParser.class)
public final class JsonManifestParser implements ManifestParser {

    /** 64 KiB: a real manifest is a few hundred bytes. */
    static final int MAX_BYTES = 64 * 1024;

    private final ObjectMapper mapper;

    public JsonManifestParser() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = new ObjectMapper(factory);
    }

    @Override
    public PluginManifest parse(byte[] json) throws PluginException {
        return new ManifestReader(object(json)).read();
    }

    /**
     * RFC 8785 ({@link CanonicalJson}) of the very tree {@link ManifestReader} accepted, without
     * {@code signature}: one strict read, so duplicate keys and non-integer numbers never reach it.
     */
    @Override
    public byte[] signedContent(byte[] json) throws PluginException {
        ObjectNode root = object(json);
        new ManifestReader(root).read();
        root.remove("signature");
        return CanonicalJson.write(root);
    }

    private ObjectNode object(byte[] json) throws PluginException {
        Objects.requireNonNull(json, "json");
        if (json.length > MAX_BYTES) {
            throw invalid(json.length + " bytes; a manifest may be at most " + MAX_BYTES + " bytes (64 KiB)");
        }
        JsonNode root = readTree(decode(json));
        if (!root.isObject()) {
            throw invalid("expected a JSON object, got " + kind(root));
        }
        return (ObjectNode) root;
    }

    /** Strict UTF-8: a malformed byte sequence is an error, not a replacement character. */
    private static String decode(byte[] json) throws PluginException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(json);
        CharBuffer out = CharBuffer.allocate(json.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalid("not valid UTF-8 at byte offset " + in.position() + "; save the file as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        // A byte order mark is pointless in UTF-8 but some editors write one; RFC 8259 lets us ignore it.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private JsonNode readTree(String text) throws PluginException {
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode root = mapper.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw invalid("empty; expected a JSON object");
            }
            if (parser.nextToken() != null) {
                throw invalid("unexpected content after the manifest's object at "
                        + where(parser.currentTokenLocation()) + "; a manifest is exactly one JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (message.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser parser) {
                throw new PluginException(ErrorCode.MANIFEST_INVALID, null,
                        JsonPaths.of(parser.getParsingContext()) + ": duplicate key at " + where(e.getLocation())
                                + "; each field may appear once", e);
            }
            throw new PluginException(ErrorCode.MANIFEST_INVALID, null, JsonPaths.DOCUMENT
                    + ": not valid JSON at " + where(e.getLocation()) + ": " + Text.escape(message, 200), e);
        } catch (IOException e) {
            // reading from a String: only the parser's own errors can get here
            throw new PluginException(ErrorCode.MANIFEST_INVALID, null,
                    JsonPaths.DOCUMENT + ": cannot be read: " + Text.escape(String.valueOf(e.getMessage()), 200), e);
        }
    }

    private static String where(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    private static PluginException invalid(String message) {
        return new PluginException(ErrorCode.MANIFEST_INVALID, null, JsonPaths.DOCUMENT + ": " + message);
    }
}
