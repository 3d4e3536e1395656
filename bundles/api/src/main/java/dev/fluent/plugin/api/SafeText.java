package dev.fluent.plugin.api;

import java.util.regex.Pattern;

/**
 * Text a plugin, a manifest or a file name controls, made safe to print: in a terminal, a table, a log line
 * or an audit entry it can neither move the cursor, colour or clear the screen (C0 and C1 control
 * characters, ESC sequences), start a new line that looks like another entry (CR, LF), nor reverse the
 * reading order (Unicode bidirectional controls). Each such character becomes a visible {@code \\uXXXX}.
 *
 * @since 1.1
 */
public final class SafeText {

    /** What a plugin's own error code must look like; any other is replaced by {@link #INVALID_CODE}. */
    public static final Pattern PLUGIN_CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    /** The code that stands for a plugin's error code that does not match {@link #PLUGIN_CODE}. */
    public static final String INVALID_CODE = "INVALID_CODE";

    private SafeText() {
    }

    /** {@code text} with every control and bidirectional control character escaped; {@code null} stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A plugin's error code as it may be shown: itself when it matches {@link #PLUGIN_CODE}, else {@link #INVALID_CODE}. */
    public static String pluginCode(String code) {
        return code != null && PLUGIN_CODE.matcher(code).matches() ? code : INVALID_CODE;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** C0 (tab too), DEL, C1, and the bidirectional controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI). */
    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
