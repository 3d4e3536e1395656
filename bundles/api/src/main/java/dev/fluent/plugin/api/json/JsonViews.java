package dev.fluent.plugin.api.json;

import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.WarmupReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of the platform's objects, shared by its front ends: the HTTP API's bodies (docs/http-api.md)
 * and the shell's {@code --json} output print the same fields for the same object. Each view is a map written
 * field by field: the names are a contract, snake_case like the manifest's, and do not follow the Java records
 * if those change. Times are RFC 3339 UTC text; an unknown time is {@code null}. Any JSON writer turns the maps
 * into text; this package needs none.
 */
public final class JsonViews {

    private JsonViews() {
    }

    /** A loaded plugin: what {@code plugin:show} shows. */
    public static Map<String, Object> plugin(PluginInfo info) {
        PluginManifest m = info.manifest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", info.id());
        out.put("version", m.version());
        out.put("engine_type", m.engineType());
        out.put("description", m.description());
        out.put("author", m.author());
        out.put("state", info.state());
        if (info.unavailableCapability() != null) {
            out.put("unavailable_capability", info.unavailableCapability());
        }
        out.put("capabilities", m.capabilityNames());
        out.put("permissions", permissions(m.permissions()));
        out.put("checksum", m.checksum());
        out.put("signed", info.signed());
        out.put("signed_by", m.signatureKeyId());
        out.put("signature", m.signature());
        out.put("created_at", time(m.createdAt()));
        out.put("expires_at", time(m.expiresAt()));
        out.put("source", info.source().toString());
        out.put("module_bytes", info.moduleBytes());
        out.put("interpreted_functions", info.interpretedFunctions());
        out.put("loaded_at", time(info.loadedAt()));
        out.put("load_millis", info.loadMillis());
        out.put("warmup", warmup(info.warmup()));
        out.put("executions", info.executions());
        out.put("failures", info.failures());
        return out;
    }

    /** A load's warm-up, or {@code null} for none. */
    static Map<String, Object> warmup(WarmupReport w) {
        if (w == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("payloads", w.payloads());
        out.put("passes", w.passes());
        out.put("millis", w.millis());
        out.put("first_pass_micros", w.firstPassMicros());
        out.put("last_pass_micros", w.lastPassMicros());
        out.put("settled", w.settled());
        return out;
    }

    /** The manifest's limits, under the manifest's own field names. */
    static Map<String, Object> permissions(Permissions p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max_memory_mb", p.maxMemoryMb());
        out.put("max_execution_time_ms", p.maxExecutionTimeMs());
        out.put("max_network_requests", p.maxNetworkRequests());
        out.put("allowed_hosts", p.allowedHosts());
        out.put("allowed_file_paths", p.allowedFilePaths());
        out.put("max_file_size_mb", p.maxFileSizeMb());
        out.put("rate_limit_requests_per_minute", p.rateLimitRequestsPerMinute());
        return out;
    }

    public static Map<String, Object> plugins(List<PluginInfo> infos) {
        return Map.of("plugins", infos.stream().map(JsonViews::plugin).toList());
    }

    /** A plugin's statistics: what {@code plugin:stats <id>} shows. */
    public static Map<String, Object> stats(PluginStats s) {
        Map<String, Object> failures = new TreeMap<>();
        for (Map.Entry<ErrorCode, Long> e : s.failures().entrySet()) {
            failures.put(e.getKey().name(), e.getValue());
        }
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", s.latencyP50Micros());
        latency.put("p90", s.latencyP90Micros());
        latency.put("p99", s.latencyP99Micros());
        latency.put("max", s.latencyMaxMicros());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", s.pluginId());
        out.put("executions", s.executions());
        out.put("successes", s.successes());
        out.put("failure_count", s.failureCount());
        out.put("failures", failures);
        out.put("latency_micros", latency);
        out.put("memory_high_water_bytes", s.memoryHighWaterBytes());
        out.put("network_requests", s.networkRequests());
        out.put("bytes_in", s.bytesIn());
        out.put("bytes_out", s.bytesOut());
        out.put("last_used", time(s.lastUsed()));
        out.put("loaded_at", time(s.loadedAt()));
        out.put("uptime_seconds", s.uptime().toSeconds());
        return out;
    }

    /** An engine's answer: the same fields, in the same order, as {@code plugin:execute --json} prints. */
    public static Map<String, Object> response(EngineResponse r) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", r.usage().promptTokens());
        usage.put("completion_tokens", r.usage().completionTokens());
        usage.put("total_tokens", r.usage().totalTokens());
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("prompt_cost", r.cost().promptCost());
        cost.put("completion_cost", r.cost().completionCost());
        cost.put("total_cost", r.cost().totalCost());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("content", r.content());
        out.put("usage", usage);
        out.put("model", r.model());
        out.put("finish_reason", r.finishReason());
        out.put("cost", cost);
        return out;
    }

    /** One audit entry as it was written, with its chain fields. */
    public static Map<String, Object> auditRecord(AuditRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", r.seq());
        out.put("timestamp", time(r.timestamp()));
        out.put("plugin_id", r.pluginId());
        out.put("action", r.action());
        out.put("resource", r.resource());
        out.put("success", r.success());
        out.put("error", r.error());
        out.put("details", new TreeMap<>(r.details()));
        out.put("prev_hash", r.prevHash());
        out.put("hash", r.hash());
        out.put("file", r.file());
        return out;
    }

    public static Map<String, Object> auditRecords(List<AuditRecord> records) {
        return Map.of("entries", records.stream().map(JsonViews::auditRecord).toList());
    }

    /** Who owns a plugin id and the newest version accepted for it: what {@code plugin:owner} shows. */
    public static Map<String, Object> identity(PluginIdentity r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", r.pluginId());
        out.put("owner", r.owner());
        out.put("declared", r.declared());
        out.put("version", r.version());
        out.put("created_at", time(r.createdAt()));
        out.put("bound_at", time(r.boundAt()));
        return out;
    }

    public static Map<String, Object> identities(List<PluginIdentity> records) {
        return Map.of("owners", records.stream().map(JsonViews::identity).toList());
    }

    /** The outcome of walking the audit chain: {@code ok}, and where it first breaks when it does. */
    public static Map<String, Object> verification(AuditVerification v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", v.ok());
        out.put("entries_checked", v.entriesChecked());
        out.put("files_checked", v.filesChecked());
        if (v.ok()) {
            out.put("first_break", null);
        } else {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("file", v.firstBreak().file());
            at.put("line", v.firstBreak().line());
            at.put("seq", v.firstBreak().seq());
            at.put("reason", v.firstBreak().reason());
            out.put("first_break", at);
        }
        return out;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
