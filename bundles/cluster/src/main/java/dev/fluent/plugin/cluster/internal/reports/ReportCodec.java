package dev.fluent.plugin.cluster.internal.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.LatencyHistogram;
import dev.fluent.plugin.api.PluginStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reports nodes send each other, as JSON of plain maps and lists: no class of this bundle travels, and a
 * node of a neighbouring build reads what it knows. Reading what another member wrote is strict about types (a
 * value that does not read fails that node's answer, named, never the whole view).
 */
final class ReportCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private ReportCodec() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a report as JSON", e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> stats(PluginStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", s.pluginId());
        out.put("executions", s.executions());
        out.put("successes", s.successes());
        Map<String, Long> failures = new TreeMap<>();
        s.failures().forEach((code, n) -> failures.put(code.name(), n));
        out.put("failures", failures);
        List<long[]> histogram = new ArrayList<>();
        s.latencies().counts().forEach((value, n) -> histogram.add(new long[] {value, n}));
        out.put("latency_histogram", histogram);
        out.put("memory_high_water_bytes", s.memoryHighWaterBytes());
        out.put("network_requests", s.networkRequests());
        out.put("bytes_in", s.bytesIn());
        out.put("bytes_out", s.bytesOut());
        out.put("last_used", s.lastUsed() == null ? null : s.lastUsed().toString());
        out.put("loaded_at", s.loadedAt().toString());
        out.put("uptime_millis", s.uptime().toMillis());
        return out;
    }

    static PluginStats stats(Map<String, Object> in) {
        Map<ErrorCode, Long> failures = new EnumMap<>(ErrorCode.class);
        map(in, "failures").forEach((code, n) -> {
            try {
                failures.put(ErrorCode.valueOf(code), number(n, "failures." + code));
            } catch (IllegalArgumentException unknown) {
                // A code a newer node knows and this one does not: counted as INTERNAL, not dropped.
                failures.merge(ErrorCode.INTERNAL, number(n, "failures." + code), Long::sum);
            }
        });
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (Object pair : list(in, "latency_histogram")) {
            List<?> vc = pair instanceof List<?> l && l.size() == 2 ? l : List.of();
            if (vc.isEmpty()) {
                throw new IllegalArgumentException("latency_histogram holds " + pair + ", not [value, count]");
            }
            counts.merge(number(vc.get(0), "latency value"), number(vc.get(1), "latency count"), Long::sum);
        }
        LatencyHistogram h = new LatencyHistogram(counts);
        return new PluginStats(text(in, "plugin_id"), number(in.get("executions"), "executions"),
                number(in.get("successes"), "successes"), failures, h.percentile(50), h.percentile(90),
                h.percentile(99), h.max(), number(in.get("memory_high_water_bytes"), "memory_high_water_bytes"),
                number(in.get("network_requests"), "network_requests"), number(in.get("bytes_in"), "bytes_in"),
                number(in.get("bytes_out"), "bytes_out"), instant(in.get("last_used")),
                instant(in.get("loaded_at")), Duration.ofMillis(number(in.get("uptime_millis"), "uptime_millis")), h);
    }

    static Map<String, Object> query(AuditQuery q) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", q.pluginId());
        out.put("action", q.action());
        out.put("failed_only", q.failedOnly());
        out.put("since", q.since() == null ? null : q.since().toString());
        out.put("until", q.until() == null ? null : q.until().toString());
        out.put("limit", q.limit());
        return out;
    }

    static AuditQuery query(Map<String, Object> in) {
        return new AuditQuery((String) in.get("plugin_id"), (String) in.get("action"),
                Boolean.TRUE.equals(in.get("failed_only")), instant(in.get("since")), instant(in.get("until")),
                (int) number(in.get("limit"), "limit"));
    }

    static Map<String, Object> record(AuditRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", r.seq());
        out.put("timestamp", r.timestamp().toString());
        out.put("plugin_id", r.pluginId());
        out.put("action", r.action());
        out.put("resource", r.resource());
        out.put("success", r.success());
        out.put("error", r.error());
        out.put("details", r.details());
        out.put("prev_hash", r.prevHash());
        out.put("hash", r.hash());
        out.put("file", r.file());
        return out;
    }

    static AuditRecord record(Map<String, Object> in) {
        Map<String, String> details = new TreeMap<>();
        map(in, "details").forEach((k, v) -> details.put(k, String.valueOf(v)));
        return new AuditRecord(number(in.get("seq"), "seq"), instant(in.get("timestamp")), (String) in.get("plugin_id"),
                text(in, "action"), (String) in.get("resource"), Boolean.TRUE.equals(in.get("success")),
                (String) in.get("error"), details, (String) in.get("prev_hash"), (String) in.get("hash"),
                (String) in.get("file"));
    }

    /** The walk's outcome: counts and the first break (the gaps and retention stay on the node's own view). */
    static Map<String, Object> verification(AuditVerification v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries_checked", v.entriesChecked());
        out.put("files_checked", v.filesChecked());
        if (v.firstBreak() != null) {
            AuditVerification.Break b = v.firstBreak();
            out.put("first_break", Map.of("file", b.file(), "line", b.line(), "seq", b.seq(), "reason", b.reason()));
        }
        return out;
    }

    static AuditVerification verification(Map<String, Object> in) {
        AuditVerification.Break first = null;
        if (in.get("first_break") != null) {
            Map<String, Object> b = map(in, "first_break");
            first = new AuditVerification.Break(text(b, "file"), number(b.get("line"), "line"),
                    number(b.get("seq"), "seq"), text(b, "reason"));
        }
        return new AuditVerification(number(in.get("entries_checked"), "entries_checked"),
                (int) number(in.get("files_checked"), "files_checked"), first);
    }

    static long number(Object value, String field) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException(field + " is " + value + ", not a number");
    }

    static String text(Map<String, Object> in, String field) {
        if (in.get(field) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(field + " is " + in.get(field) + ", not text");
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.parse(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> in, String field) {
        Object value = in.get(field);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(field + " is " + value + ", not an object");
    }

    static List<?> list(Map<String, Object> in, String field) {
        Object value = in.get(field);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(field + " is " + value + ", not a list");
    }
}
