package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns values from an untrusted manifest into text that is safe to put in an error message: control,
 * bidirectional-override and unpaired surrogate characters are escaped, long values are cut short.
 * Error messages end up in the shell and in the audit log, so nothing a plugin author wrote may reach
 * them raw.
 */
final class Text {

    /** Characters of a value shown in a message before it is cut with {@code ...}. */
    static final int SHOWN = 80;

    private Text() {
    }

    /** {@code value} as a JSON-style quoted string, escaped and cut to {@link #SHOWN} characters. */
    static String quote(String value) {
        return '"' + escape(value, SHOWN) + '"';
    }

    /** {@code value} escaped and cut to {@code limit} characters, without quotes. */
    static String escape(String value, int limit) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown == limit) {
                out.append("...");
                break;
            }
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (isControl(c) || isBidiControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
            shown++;
        }
        return out.toString();
    }

    /** What a JSON value is, for "expected ..., got ..." messages. */
    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        // numbers, booleans and null print as written in JSON
        return escape(node.toString(), SHOWN);
    }

    /**
     * Why {@code value} may not appear in a manifest string, or {@code null} when it may. Refused: C0 and
     * C1 control characters (line breaks included: every string is one line), the bidirectional controls
     * that let text display differently from what it is, and unpaired surrogates (not Unicode text).
     */
    static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("contains an unpaired surrogate U+%04X, which is not Unicode text", (int) c);
            } else if (isControl(c)) {
                return String.format("contains the control character U+%04X", (int) c);
            } else if (isBidiControl(c)) {
                return String.format("contains the bidirectional control character U+%04X", (int) c);
            }
        }
        return null;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    private static boolean isBidiControl(char c) {
        return c == 0x061C || c == 0x200E || c == 0x200F
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
