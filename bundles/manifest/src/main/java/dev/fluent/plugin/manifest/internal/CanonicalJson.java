package dev.fluent.plugin.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON Canonicalization Scheme of RFC 8785: no whitespace, object members sorted by the UTF-16 code
 * units of their names, strings with the minimal escapes of ECMAScript's {@code JSON.stringify}, numbers
 * as ECMAScript's {@code Number.prototype.toString} writes them, UTF-8.
 *
 * <p>Numbers: a JSON number means an IEEE 754 double to RFC 8785, so an integer is first rounded to the
 * nearest double (as {@code JSON.parse} does) and then written in the shortest form that reads back as
 * that double: {@code 9007199254740993} becomes {@code 9007199254740992}, {@code 1e21} and above take an
 * exponent ({@code 1e+21}). Every finite double is written exactly as ECMAScript writes it. The limit is
 * the input: a manifest holds integers only (the parser refuses fractions and exponents before this
 * class sees the tree), so manifests only ever take the integer path; a number too large for a double
 * has no canonical form and is refused.
 */
final class CanonicalJson {

    private CanonicalJson() {
    }

    static byte[] write(JsonNode node) {
        StringBuilder out = new StringBuilder(512);
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                node.fieldNames().forEachRemaining(names::add);
                // String.compareTo compares UTF-16 code units, which is the order RFC 8785 section 3.2.3 asks for.
                names.sort(null);
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out);
                    out.append(':');
                    write(node.get(names.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                Iterator<JsonNode> items = node.elements();
                for (int i = 0; items.hasNext(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(items.next(), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    /** RFC 8785 section 3.2.2.2: escape only what JSON requires, lower-case hex for the other controls. */
    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String number(JsonNode node) {
        double value;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue().doubleValue();
        } else if (node.isBigDecimal()) {
            value = node.decimalValue().doubleValue();
        } else {
            value = node.doubleValue();
        }
        return number(value);
    }

    /**
     * ECMAScript's Number::toString(x) (ECMA-262, 6.1.6.1.20) for a finite double: the shortest digits
     * that read back as {@code x}, the closest such when there are several, in plain notation from 1e-6
     * up to but excluding 1e21 and in exponent notation outside that range.
     */
    static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(x + " has no JSON form");
        }
        if (x == 0) {
            return "0"; // -0 as well
        }
        if (x < 0) {
            return "-" + number(-x);
        }
        BigDecimal digits = shortest(x);
        String s = digits.unscaledValue().toString();
        int k = s.length();
        int n = k - digits.scale(); // x = s × 10^(n−k)
        StringBuilder out = new StringBuilder(32);
        if (k <= n && n <= 21) {
            out.append(s).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(s);
        } else {
            int exponent = n - 1;
            out.append(s.charAt(0));
            if (k > 1) {
                out.append('.').append(s, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code x} (positive, finite),
     * without trailing zeros; of two such, the one closer to {@code x}, and of two equally close the one
     * whose last digit is even. Tries 1 to 17 digits, rounding down and up at each: at most 34 cheap steps.
     */
    private static BigDecimal shortest(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
            boolean downFits = down.doubleValue() == x;
            boolean upFits = up.doubleValue() == x;
            if (downFits && upFits && down.compareTo(up) != 0) {
                int closer = exact.subtract(down).compareTo(up.subtract(exact));
                if (closer != 0) {
                    return strip(closer < 0 ? down : up);
                }
                return strip(down.unscaledValue().testBit(0) ? up : down);
            }
            if (downFits) {
                return strip(down);
            }
            if (upFits) {
                return strip(up);
            }
        }
        throw new IllegalStateException("17 significant digits always identify a double: " + x);
    }

    private static BigDecimal strip(BigDecimal value) {
        return value.stripTrailingZeros();
    }
}
