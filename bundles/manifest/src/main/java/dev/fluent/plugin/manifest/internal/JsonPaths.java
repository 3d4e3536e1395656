package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * The paths error messages start with: {@code permissions.max_memory_mb}, {@code capabilities[2]}. A key
 * that is not a plain word is shown quoted in brackets, {@code permissions["odd key"]}, so a hostile key
 * cannot pass for a path or smuggle control characters into a message.
 */
final class JsonPaths {

    /** What a message about the document as a whole starts with. */
    static final String DOCUMENT = "manifest.json";

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private JsonPaths() {
    }

    static String child(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return parent + "[" + Text.quote(key) + "]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path of the value a streaming parser is at, or {@link #DOCUMENT} at the top. */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = "";
        for (JsonStreamContext c : chain) {
            if (c.inObject()) {
                path = child(path, c.getCurrentName() == null ? "" : c.getCurrentName());
            } else if (c.inArray()) {
                path = path + "[" + Math.max(c.getCurrentIndex(), 0) + "]";
            }
        }
        return path.isEmpty() ? DOCUMENT : path;
    }
}
