package dev.fluent.plugin.shell.internal.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;

/**
 * What {@code --json} prints: one JSON document (an object), indented, then a line break. JSON escapes control
 * characters itself, so text plugins control (ids, errors, details) needs no escaping here.
 */
public final class JsonOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonOutput() {
    }

    /** {@code view} (maps, lists, strings, numbers, booleans, null) as JSON text. */
    public static String text(Object view) {
        try {
            return MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            // Views hold only JSON's own types: a failure here is a bug, not the operator's input.
            throw new IllegalStateException("cannot write " + view.getClass().getName() + " as JSON", e);
        }
    }

    public static void print(Object view, PrintStream out) {
        out.println(text(view));
    }
}
