package dev.fluent.plugin.audit.internal.volume;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One plugin's current minute: how many of its successful routine entries were written, which failures were
 * written (by action, code and resource), and what was held back. Guarded by its own monitor. Times are epoch
 * milliseconds, so that admitting an entry allocates nothing.
 */
final class PluginWindow {

    /** Distinct failures remembered per window; past it every failure is written (none is held back unseen). */
    static final int MAX_FAILURE_KEYS = 1024;
    /** Counters kept per action or per action and code; the rest are added up under {@code other}. */
    static final int MAX_COUNTERS = 24;

    final String pluginId;
    long start;
    long end;
    /** Set once the window was taken out of the limiter's map; a caller holding it looks again. */
    boolean retired;

    private int written;
    private final Set<String> failures = new HashSet<>();
    private final Map<String, Long> suppressed = new TreeMap<>();
    private final Map<String, Long> repeated = new TreeMap<>();
    private long suppressedTotal;
    private long repeatedTotal;

    PluginWindow(String pluginId, long start, long length) {
        this.pluginId = pluginId;
        this.start = start;
        this.end = start + length;
    }

    boolean expired(long now) {
        return now >= end;
    }

    boolean holdsBack() {
        return suppressedTotal + repeatedTotal > 0;
    }

    /** A successful routine entry: whether it is written ({@code false}: counted for the summary). */
    boolean admitSuccess(String action, int cap) {
        if (written < cap) {
            written++;
            return true;
        }
        count(suppressed, action);
        suppressedTotal++;
        return false;
    }

    /** A failure: written unless an identical one was written in this window. */
    boolean admitFailure(String action, String code, String resource) {
        String key = action + '\u0000' + code + '\u0000' + (resource == null ? "" : resource);
        if (failures.contains(key)) {
            count(repeated, action + "." + code);
            repeatedTotal++;
            return false;
        }
        if (failures.size() < MAX_FAILURE_KEYS) {
            failures.add(key);
        }
        return true;
    }

    /**
     * Ends this window at {@code now} and starts the next one there.
     *
     * @return the summary of what the ended window held back, or {@code null} when it held nothing back
     */
    AuditEvent roll(long now, int cap, long length) {
        AuditEvent summary = holdsBack() ? summary(now, cap) : null;
        start = now;
        end = now + length;
        written = 0;
        failures.clear();
        suppressed.clear();
        repeated.clear();
        suppressedTotal = 0;
        repeatedTotal = 0;
        return summary;
    }

    private AuditEvent summary(long now, int cap) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("window_start", Instant.ofEpochMilli(start).toString());
        details.put("window_end", Instant.ofEpochMilli(Math.min(now, end)).toString());
        details.put("cap_per_minute", Integer.toString(cap));
        details.put("suppressed_total", Long.toString(suppressedTotal));
        details.put("repeated_total", Long.toString(repeatedTotal));
        suppressed.forEach((action, n) -> details.put("suppressed." + action, Long.toString(n)));
        repeated.forEach((actionCode, n) -> details.put("repeated." + actionCode, Long.toString(n)));
        String error = null;
        if (repeatedTotal > 0) {
            StringBuilder b = new StringBuilder("AUDIT_SUPPRESSED: ").append(repeatedTotal)
                    .append(" failures repeated one already written in the window and were counted, not written (");
            String sep = "";
            for (Map.Entry<String, Long> r : repeated.entrySet()) {
                b.append(sep).append(r.getKey().replace('.', ' ')).append(" x").append(r.getValue());
                sep = ", ";
            }
            b.append(')');
            if (suppressedTotal > 0) {
                b.append("; ").append(suppressedTotal).append(" successful entries past the cap of ").append(cap)
                        .append(" per minute");
            }
            error = b.toString();
        }
        return new AuditEvent(Instant.ofEpochMilli(now), pluginId, AuditActions.AUDIT_SUPPRESSED, null,
                repeatedTotal == 0, error, details);
    }

    private static void count(Map<String, Long> counters, String key) {
        String k = counters.containsKey(key) || counters.size() < MAX_COUNTERS / 2 ? key : "other";
        counters.merge(k, 1L, Long::sum);
    }
}
