package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.Severity;
import java.util.List;

/** The text and JSON forms of the reports, the same in the shell and the command line. */
public final class Reports {

    private Reports() {
    }

    /** One line for the outcome of {@link PluginDevTools#validate}. */
    public static String summary(Inspection inspection) {
        String id = inspection.manifest() == null ? inspection.folder().toString() : inspection.manifest().name();
        long errors = inspection.problems().stream().filter(p -> p.severity() == Severity.HIGH).count();
        return inspection.loads()
                ? "validate " + id + ": OK, passes every load check"
                : "validate " + id + ": " + errors + " error(s), the plugin does not load";
    }

    /** Each finding on two lines (what, then {@code fix:}), for people. */
    public static String text(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append(String.format("%-6s %s: %s%n", f.severity(), f.code(), f.message()));
            if (!f.fix().isEmpty()) {
                out.append("       fix: ").append(f.fix()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    public static String json(Inspection inspection) {
        return "{\"plugin\":" + quote(inspection.manifest() == null ? null : inspection.manifest().name())
                + ",\"folder\":" + quote(inspection.folder().toString())
                + ",\"loads\":" + inspection.loads()
                + ",\"problems\":" + json(inspection.problems()) + "}";
    }

    public static String json(SecurityReport report) {
        return "{\"plugin\":" + quote(report.pluginId())
                + ",\"folder\":" + quote(report.folder().toString())
                + ",\"passed\":" + !report.failed()
                + ",\"probes\":" + report.probes()
                + ",\"high\":" + report.count(Severity.HIGH)
                + ",\"medium\":" + report.count(Severity.MEDIUM)
                + ",\"low\":" + report.count(Severity.LOW)
                + ",\"findings\":" + json(report.findings()) + "}";
    }

    private static String json(List<Finding> findings) {
        StringBuilder out = new StringBuilder("[");
        for (Finding f : findings) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append("{\"severity\":").append(quote(f.severity().name()))
                    .append(",\"code\":").append(quote(f.code()))
                    .append(",\"message\":").append(quote(f.message()))
                    .append(",\"fix\":").append(quote(f.fix())).append('}');
        }
        return out.append(']').toString();
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
