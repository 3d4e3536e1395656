package dev.fluent.plugin.audit.internal.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of one audit line, and the hash rule.
 *
 * <p>A line is one JSON object with its fields always in this order and nothing else, no spaces:
 * {@code seq, timestamp, plugin_id, action, resource, success, error, details, prev_hash, hash};
 * {@code details} keys sorted; absent values written as {@code null}. {@code hash} is the lowercase hex
 * SHA-256 of the line's UTF-8 bytes without the hash field, that is of the text up to and including the
 * {@code prev_hash} value followed by {@code }} (the same object with {@code ,"hash":"…"} removed).
 *
 * <p>An instance holds a digest and is used by one thread at a time.
 */
public final class EntryCodec {

    /** {@code prev_hash} of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    /** Longest text kept in one field; the writer cuts longer values (a plugin controls some of them). */
    public static final int MAX_FIELD_CHARS = 4096;
    /** Most details kept per entry. */
    public static final int MAX_DETAILS = 32;

    private static final byte[] SEQ_PREFIX = ascii("{\"seq\":");
    private static final byte[] PREV_HASH_FIELD = ascii(",\"prev_hash\":\"");
    private static final byte[] HASH_FIELD = ascii(",\"hash\":\"");
    /** {@code ,"hash":"} + 64 hex + {@code "}}. */
    public static final int HASH_SUFFIX_LENGTH = HASH_FIELD.length + 64 + 2;
    /** {@code ,"prev_hash":"} + 64 hex + {@code "}. */
    private static final int PREV_HASH_LENGTH = PREV_HASH_FIELD.length + 64 + 1;

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageDigest sha256 = newDigest();
    private final StringBuilder text = new StringBuilder(512);

    /** A rendered line: its bytes (ending in a newline) and its hash. */
    public record Encoded(byte[] line, String hash) {
    }

    /**
     * What verification needs from a line, read without parsing the JSON.
     *
     * @param seq the line's sequence number
     * @param prevHash the line's {@code prev_hash}
     * @param hash the line's recorded {@code hash}
     * @param hashMatches whether the recorded hash is the hash of the line's content
     */
    public record Link(long seq, String prevHash, String hash, boolean hashMatches) {
    }

    public Encoded encode(long seq, AuditEvent event, String prevHash) {
        StringBuilder b = text;
        b.setLength(0);
        b.append("{\"seq\":").append(seq);
        b.append(",\"timestamp\":\"").append(event.timestamp()).append('"');
        b.append(",\"plugin_id\":");
        string(b, event.pluginId());
        b.append(",\"action\":");
        string(b, event.action());
        b.append(",\"resource\":");
        string(b, event.resource());
        b.append(",\"success\":").append(event.success());
        b.append(",\"error\":");
        string(b, event.error());
        b.append(",\"details\":{");
        int count = 0;
        for (Map.Entry<String, String> d : sorted(event.details()).entrySet()) {
            if (count == MAX_DETAILS) {
                break;
            }
            if (count++ > 0) {
                b.append(',');
            }
            string(b, d.getKey());
            b.append(':');
            string(b, d.getValue());
        }
        b.append('}');
        b.append(",\"prev_hash\":\"").append(prevHash).append("\"}");
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        String hash = HEX.formatHex(sha256.digest(body));
        byte[] line = new byte[body.length - 1 + HASH_SUFFIX_LENGTH + 1];
        System.arraycopy(body, 0, line, 0, body.length - 1);
        int at = body.length - 1;
        System.arraycopy(HASH_FIELD, 0, line, at, HASH_FIELD.length);
        at += HASH_FIELD.length;
        for (int i = 0; i < 64; i++) {
            line[at++] = (byte) hash.charAt(i);
        }
        line[at++] = '"';
        line[at++] = '}';
        line[at] = '\n';
        return new Encoded(line, hash);
    }

    /**
     * Reads the chain fields of one line (without its newline) and checks its hash.
     *
     * @return the link, or {@code null} when the line does not have the shape of an audit entry
     */
    public Link link(byte[] buf, int off, int len) {
        int bodyEnd = len - HASH_SUFFIX_LENGTH; // the body without its closing brace
        if (bodyEnd < SEQ_PREFIX.length + PREV_HASH_LENGTH
                || !startsWith(buf, off, SEQ_PREFIX)
                || !regionEquals(buf, off + bodyEnd, HASH_FIELD)
                || buf[off + len - 2] != '"' || buf[off + len - 1] != '}'
                || !regionEquals(buf, off + bodyEnd - PREV_HASH_LENGTH, PREV_HASH_FIELD)
                || buf[off + bodyEnd - 1] != '"') {
            return null;
        }
        int hashAt = off + bodyEnd + HASH_FIELD.length;
        int prevAt = off + bodyEnd - PREV_HASH_LENGTH + PREV_HASH_FIELD.length;
        if (!isHex(buf, hashAt) || !isHex(buf, prevAt)) {
            return null;
        }
        long seq = 0;
        int i = off + SEQ_PREFIX.length;
        int digits = 0;
        while (i < off + bodyEnd && buf[i] >= '0' && buf[i] <= '9' && digits < 18) {
            seq = seq * 10 + (buf[i++] - '0');
            digits++;
        }
        if (digits == 0 || buf[i] != ',') {
            return null;
        }
        String hash = new String(buf, hashAt, 64, StandardCharsets.US_ASCII);
        String prevHash = new String(buf, prevAt, 64, StandardCharsets.US_ASCII);
        sha256.update(buf, off, bodyEnd);
        sha256.update((byte) '}');
        boolean matches = HEX.formatHex(sha256.digest()).equals(hash);
        return new Link(seq, prevHash, hash, matches);
    }

    /**
     * Parses one line into a record.
     *
     * @throws IOException when the line is not an audit entry
     */
    public static AuditRecord parse(byte[] buf, int off, int len, String file) throws IOException {
        JsonNode node = JSON.readTree(buf, off, len);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        try {
            Map<String, String> details = new LinkedHashMap<>();
            JsonNode d = node.path("details");
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                details.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
            return new AuditRecord(
                    required(node, "seq").asLong(),
                    Instant.parse(required(node, "timestamp").asText()),
                    text(node, "plugin_id"),
                    required(node, "action").asText(),
                    text(node, "resource"),
                    required(node, "success").asBoolean(),
                    text(node, "error"),
                    details,
                    text(node, "prev_hash"),
                    text(node, "hash"),
                    file);
        } catch (DateTimeParseException e) {
            throw new IOException("bad timestamp: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IOException("no " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Appends a JSON string (or {@code null}), cut to {@link #MAX_FIELD_CHARS}. */
    public static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        int length = s.length();
        String cut = null;
        if (length > MAX_FIELD_CHARS) {
            length = MAX_FIELD_CHARS;
            if (Character.isHighSurrogate(s.charAt(length - 1))) {
                length--;
            }
            cut = "…[" + (s.length() - length) + " more chars]";
        }
        b.append('"');
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(s, i, length)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (cut != null) {
            b.append(cut);
        }
        b.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (else it is escaped, not mangled). */
    private static boolean validSurrogate(String s, int i, int length) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static Map<String, String> sorted(Map<String, String> details) {
        return details.isEmpty() ? Map.of() : new TreeMap<>(details);
    }

    private static boolean startsWith(byte[] buf, int off, byte[] prefix) {
        return regionEquals(buf, off, prefix);
    }

    private static boolean regionEquals(byte[] buf, int at, byte[] expected) {
        if (at < 0 || at + expected.length > buf.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (buf[at + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(byte[] buf, int at) {
        for (int i = at; i < at + 64; i++) {
            byte c = buf[i];
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
