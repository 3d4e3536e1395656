package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The manifest's {@code warmup}: request payloads the platform runs at load, without capabilities, so that the
 * JVM has compiled the plugin's code before its first request. Any text a request may carry (line breaks
 * and other control characters included), but Unicode: no unpaired surrogates. At most {@link #MAX_PAYLOADS},
 * because each one runs at every load; their length is bounded by the manifest's own 64 KiB.
 */
final class WarmupPayloads {

    static final String FIELD = "warmup";
    static final int MAX_PAYLOADS = 8;

    private WarmupPayloads() {
    }

    /**
     * The payloads, or an empty list when the field is absent.
     *
     * @throws IllegalArgumentException naming the entry at fault ({@code warmup[1]: ...}) and the fix
     */
    static List<String> read(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(FIELD + ": expected a list of request payloads (strings), got "
                    + Text.describe(node) + (node.isTextual() ? "; write [" + Text.quote(node.textValue()) + "]" : ""));
        }
        if (node.size() > MAX_PAYLOADS) {
            throw new IllegalArgumentException(FIELD + ": " + node.size() + " payloads; at most " + MAX_PAYLOADS
                    + " are allowed (each runs at every load): keep the ones that reach the plugin's hot code");
        }
        List<String> payloads = new ArrayList<>(node.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = FIELD + "[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw new IllegalArgumentException(path + ": expected a request payload (a string), got "
                        + Text.describe(item));
            }
            String payload = item.textValue();
            String problem = unpairedSurrogate(payload);
            if (problem != null) {
                throw new IllegalArgumentException(path + ": " + problem);
            }
            if (!seen.add(payload)) {
                throw new IllegalArgumentException(path + ": " + Text.quote(payload)
                        + " is listed twice; list each payload once");
            }
            payloads.add(payload);
        }
        return payloads;
    }

    private static String unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("contains an unpaired surrogate U+%04X at index %d, which is not Unicode text",
                        (int) c, i);
            }
        }
        return null;
    }
}
