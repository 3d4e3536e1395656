package dev.fluent.plugin.itests;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, version 0.0.4, for the tests: every line must be a
 * {@code # HELP}, a {@code # TYPE}, another comment, a blank line or a sample of the format's grammar (metric
 * name, labels with the format's three escapes, a float value, an optional timestamp), a family's TYPE must
 * come before its samples and only once, and a family's samples must not be split by another family. The
 * Prometheus Java client only writes the format; no maintained Java parser of it is published.
 */
final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(.*)\\})? ([^ ]+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile(
            "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf");

    private PrometheusText() {
    }

    /**
     * The samples, by name and labels as {@code name{a="x",b="y"}} (labels sorted, values unescaped), or by name
     * alone for a sample without labels.
     *
     * @throws AssertionError naming the first line that breaks the format
     */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> closedFamilies = new HashSet<>();
        String currentFamily = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "'";
            if (line.isEmpty()) {
                if (i != lines.length - 1) {
                    throw new AssertionError("blank " + where);
                }
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (types.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("second TYPE for " + m.group(1) + " at " + where);
                }
                currentFamily = enter(m.group(1), currentFamily, closedFamilies, where);
            } else if ((m = HELP.matcher(line)).matches()) {
                currentFamily = enter(m.group(1), currentFamily, closedFamilies, where);
            } else if (line.startsWith("#")) {
                continue;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String family = familyOf(m.group(1), types);
                if (family == null) {
                    throw new AssertionError("sample before its TYPE at " + where);
                }
                currentFamily = enter(family, currentFamily, closedFamilies, where);
                if (!FLOAT.matcher(m.group(4)).matches()) {
                    throw new AssertionError("value is not a float at " + where);
                }
                String key = m.group(1) + labels(m.group(3), where);
                if (samples.put(key, Double.parseDouble(m.group(4).replace("Inf", "Infinity"))) != null) {
                    throw new AssertionError("sample repeated at " + where);
                }
            } else {
                throw new AssertionError("not a line of the text format: " + where);
            }
        }
        return samples;
    }

    /** The family a sample belongs to: its own name, or the name without a summary's or histogram's suffix. */
    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_count", "_sum", "_bucket"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String type = types.get(base);
                if ("summary".equals(type) || "histogram".equals(type)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static String enter(String family, String current, Set<String> closed, String where) {
        if (family.equals(current)) {
            return current;
        }
        if (current != null) {
            closed.add(current);
        }
        if (closed.contains(family)) {
            throw new AssertionError("family " + family + " split by another family at " + where);
        }
        return family;
    }

    /** The format's escapes: backslash, double quote, line feed. */
    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String labels(String text, String where) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        Map<String, String> labels = new TreeMap<>();
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("malformed labels at " + where);
            }
            String value = unescape(m.group(2));
            if (labels.put(m.group(1), value) != null) {
                throw new AssertionError("label " + m.group(1) + " repeated at " + where);
            }
            at = m.end();
        }
        StringBuilder key = new StringBuilder("{");
        labels.forEach((k, v) -> key.append(key.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
        return key.append('}').toString();
    }
}
