package dev.fluent.example.sql.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bound parameters of one query, read from the guest's JSON: an array of strings, numbers, booleans and
 * nulls, one per {@code ?} in order. Nothing else is accepted (no objects, no nested arrays), so a value is
 * always bound, never spliced into the statement text. Integers become {@code Long} (or {@code BigDecimal} when
 * they do not fit), other numbers {@code BigDecimal}.
 */
final class Parameters {

    /** Most parameters one query may bind. */
    static final int MAX_PARAMETERS = 1000;

    private final String text;
    private int at;

    private Parameters(String text) {
        this.text = text;
    }

    /**
     * Reads a JSON array of scalars; empty text means no parameters.
     *
     * @throws IllegalArgumentException naming where the text stops being such an array
     */
    static List<Object> parse(String json) {
        if (json.isBlank()) {
            return List.of();
        }
        Parameters p = new Parameters(json);
        p.space();
        p.expect('[');
        List<Object> values = new ArrayList<>();
        p.space();
        if (p.peek() == ']') {
            p.at++;
        } else {
            while (true) {
                if (values.size() == MAX_PARAMETERS) {
                    throw new IllegalArgumentException("more than " + MAX_PARAMETERS + " parameters");
                }
                p.space();
                values.add(p.scalar());
                p.space();
                char c = p.next();
                if (c == ']') {
                    break;
                }
                if (c != ',') {
                    throw p.error("',' or ']'");
                }
            }
        }
        p.space();
        if (p.at != json.length()) {
            throw p.error("the end of the array");
        }
        return Collections.unmodifiableList(values);
    }

    private Object scalar() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return number();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, at)) {
                at += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        throw error("a string, number, boolean or null (parameters are scalars)");
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("no control character inside a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits after \\u");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("four hex digits after \\u");
                    }
                    at += 4;
                }
                default -> throw error("an escape of JSON (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
            }
        }
    }

    private Object number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String digits = text.substring(start, at);
        if (!digits.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            at = start;
            throw error("a JSON number");
        }
        BigDecimal value = new BigDecimal(digits);
        if (digits.matches("-?[0-9]+")) {
            try {
                return value.longValueExact();
            } catch (ArithmeticException tooLarge) {
                return value;
            }
        }
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("more text");
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("the parameters must be a JSON array of strings, numbers, booleans"
                + " and nulls; at character " + at + " expected " + expected);
    }
}
