package dev.fluent.plugin.trust.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Edits a manifest's {@code checksum} and {@code signature} and writes it back in the layout of the
 * repository's manifests ({@code JSON.stringify(manifest, null, 2)} plus a newline), keeping every other
 * field, and the fields' order, as they were.
 */
final class ManifestFiles {

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Set<String> AFTER_SIGNATURE = Set.of("created_at", "expires_at");

    private ManifestFiles() {
    }

    /** @throws IOException when the bytes are not one JSON object (the parser has the better message) */
    static ObjectNode read(byte[] json) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * A copy of {@code manifest} with {@code checksum} set and {@code signature} set, or removed when
     * {@code null}. Both sit where {@code checksum} was, else before {@code created_at}/{@code expires_at},
     * else at the end: the order of design §3's table.
     */
    static ObjectNode with(ObjectNode manifest, String checksum, String signature) {
        ObjectNode out = JSON.createObjectNode();
        boolean placed = false;
        Iterator<Map.Entry<String, JsonNode>> fields = manifest.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            boolean ours = name.equals("checksum") || name.equals("signature");
            if (!placed && (ours || AFTER_SIGNATURE.contains(name))) {
                out.put("checksum", checksum);
                if (signature != null) {
                    out.put("signature", signature);
                }
                placed = true;
            }
            if (!ours) {
                out.set(name, field.getValue());
            }
        }
        if (!placed) {
            out.put("checksum", checksum);
            if (signature != null) {
                out.put("signature", signature);
            }
        }
        return out;
    }

    static byte[] write(ObjectNode manifest) {
        StringBuilder out = new StringBuilder(1024);
        write(manifest, "", out);
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, String indent, StringBuilder out) {
        if (node.isContainerNode() && node.isEmpty()) {
            out.append(node.isObject() ? "{}" : "[]");
            return;
        }
        String inner = indent + "  ";
        if (node.isObject()) {
            out.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(inner).append(JSON.getNodeFactory().textNode(field.getKey())).append(": ");
                write(field.getValue(), inner, out);
                out.append(fields.hasNext() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (node.isArray()) {
            out.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                out.append(inner);
                write(node.get(i), inner, out);
                out.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else {
            out.append(node);
        }
    }
}
