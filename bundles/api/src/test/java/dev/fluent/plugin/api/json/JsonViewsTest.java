package dev.fluent.plugin.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.WarmupReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonViewsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void anEngineResponseHasThePlugInExecuteJsonFieldsInTheirOrder() throws Exception {
        EngineResponse response = new EngineResponse("hi", new EngineResponse.Usage(1, 2, 3), "m", "stop",
                new EngineResponse.Cost(0.5, 0.25, 0.75));

        String json = mapper.writeValueAsString(JsonViews.response(response));

        assertEquals("{\"content\":\"hi\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},"
                + "\"model\":\"m\",\"finish_reason\":\"stop\",\"cost\":{\"prompt_cost\":0.5,\"completion_cost\":0.25,"
                + "\"total_cost\":0.75}}", json);
    }

    @Test
    void aPluginShowsItsManifestLimitsAndFiguresInSnakeCase() throws Exception {
        PluginManifest manifest = new PluginManifest("echo", "1.2.3", "Echoes", "Fluent", "echo",
                Set.of(Capability.LOGGING_ACCESS), Permissions.DEFAULTS, "ab".repeat(32), "ed25519:dev:AAAA",
                Instant.parse("2026-01-01T00:00:00Z"), null);
        PluginInfo info = new PluginInfo(manifest, Path.of("plugins", "echo"), Instant.parse("2026-02-01T10:00:00Z"),
                1234, 56, 7, 1);

        JsonNode json = mapper.valueToTree(JsonViews.plugin(info));

        assertEquals("echo", json.get("id").asText());
        assertEquals("1.2.3", json.get("version").asText());
        assertEquals("echo", json.get("engine_type").asText());
        assertEquals("LoggingAccess", json.get("capabilities").get(0).asText());
        assertEquals(64, json.get("permissions").get("max_memory_mb").asInt());
        assertEquals(60, json.get("permissions").get("rate_limit_requests_per_minute").asInt());
        assertTrue(json.get("signed").asBoolean());
        assertEquals("dev", json.get("signed_by").asText());
        assertEquals("2026-01-01T00:00:00Z", json.get("created_at").asText());
        assertTrue(json.get("expires_at").isNull());
        assertEquals(Path.of("plugins", "echo").toString(), json.get("source").asText());
        assertEquals(1234, json.get("module_bytes").asLong());
        assertEquals(0, json.get("interpreted_functions").asInt());
        assertEquals("2026-02-01T10:00:00Z", json.get("loaded_at").asText());
        assertEquals(7, json.get("executions").asLong());
        assertEquals(1, json.get("failures").asLong());
        assertTrue(json.get("warmup").isNull(), "no warm-up ran");
    }

    @Test
    void aPluginsWarmUpShowsItsPassesAndTimes() {
        PluginManifest manifest = new PluginManifest("sha256", "1.0.0", "", "", "sha256", Set.of(),
                Permissions.DEFAULTS, "ab".repeat(32), null, null, null, Set.of(), List.of("1000000"));
        PluginInfo info = new PluginInfo(manifest, Path.of("sha256"), Instant.EPOCH, 1, 2265, 0, 0, 0, null,
                new WarmupReport(1, 44, 1791, 223_210, 7_820, true));

        JsonNode warmup = mapper.valueToTree(JsonViews.plugin(info)).get("warmup");

        assertEquals(List.of("payloads", "passes", "millis", "first_pass_micros", "last_pass_micros", "settled"),
                List.copyOf(JsonViews.warmup(info.warmup()).keySet()));
        assertEquals(44, warmup.get("passes").asInt());
        assertEquals(7_820, warmup.get("last_pass_micros").asLong());
        assertTrue(warmup.get("settled").asBoolean());
        assertEquals("1 payload, 44 passes in 1791 ms; a pass 223.2 ms at first, 7.8 ms at the end",
                info.warmup().summary());
        assertEquals("2 payloads, 1 pass in 5003 ms; a pass 5003.0 ms at first, 5003.0 ms at the end (stopped by its"
                + " budget before it settled)", new WarmupReport(2, 1, 5003, 5_003_000, 5_003_000, false).summary());
        assertEquals("1 payload; stopped by its budget after 5001 ms, in its first pass",
                new WarmupReport(1, 0, 5001, 0, 0, false).summary());
    }

    @Test
    void statisticsGiveFailuresByCodeAndLatencyInMicroseconds() {
        PluginStats stats = new PluginStats("echo", 10, 8, Map.of(ErrorCode.TIMEOUT, 1L, ErrorCode.BUSY, 1L),
                100, 200, 300, 400, 65536, 0, 10, 20, null, Instant.parse("2026-02-01T10:00:00Z"), Duration.ofSeconds(90));

        JsonNode json = mapper.valueToTree(JsonViews.stats(stats));

        assertEquals(2, json.get("failure_count").asLong());
        assertEquals(1, json.get("failures").get("TIMEOUT").asLong());
        assertEquals(1, json.get("failures").get("BUSY").asLong());
        assertEquals(300, json.get("latency_micros").get("p99").asLong());
        assertEquals(65536, json.get("memory_high_water_bytes").asLong());
        assertTrue(json.get("last_used").isNull());
        assertEquals(90, json.get("uptime_seconds").asLong());
    }

    @Test
    void auditEntriesAndTheVerificationKeepTheChainFields() {
        AuditRecord record = new AuditRecord(5, Instant.parse("2026-02-01T10:00:00Z"), "echo", "http",
                "GET /fluent/api/plugins", true, null, Map.of("caller", "alice", "status", "200"), "0".repeat(64),
                "f".repeat(64), "audit-1.jsonl");

        JsonNode entry = mapper.valueToTree(JsonViews.auditRecords(List.of(record))).get("entries").get(0);
        assertEquals(5, entry.get("seq").asLong());
        assertEquals("alice", entry.get("details").get("caller").asText());
        assertEquals("f".repeat(64), entry.get("hash").asText());
        assertTrue(entry.get("error").isNull());

        JsonNode broken = mapper.valueToTree(JsonViews.verification(new AuditVerification(4, 1,
                new AuditVerification.Break("audit-1.jsonl", 5, 5, "hash mismatch"))));
        assertTrue(!broken.get("ok").asBoolean());
        assertEquals(5, broken.get("first_break").get("line").asLong());
        assertTrue(mapper.valueToTree(JsonViews.verification(AuditVerification.intact(3, 1))).get("first_break").isNull());
    }

    /** The field names are a contract scripts and HTTP clients rely on: any change here is a breaking one. */
    @Test
    void fieldNamesAreStable() {
        PluginManifest manifest = new PluginManifest("echo", "1.0.0", "", "", "echo", Set.of(), Permissions.DEFAULTS,
                "ab".repeat(32), null, null, null);
        PluginInfo info = new PluginInfo(manifest, Path.of("echo"), Instant.EPOCH, 1, 1, 0, 0);
        PluginStats stats = new PluginStats("echo", 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, Instant.EPOCH,
                Duration.ZERO);
        PluginIdentity owner = new PluginIdentity("echo", "unsigned", false, null, null, Instant.EPOCH);

        assertEquals(List.of("id", "version", "engine_type", "description", "author", "state", "capabilities",
                "permissions", "checksum", "signed", "signed_by", "signature", "created_at", "expires_at", "source", "module_bytes",
                "interpreted_functions",
                "loaded_at", "load_millis", "warmup", "executions", "failures"),
                List.copyOf(JsonViews.plugin(info).keySet()));
        PluginInfo suspended = new PluginInfo(manifest, Path.of("echo"), Instant.EPOCH, 1, 1, 0, 0, 0,
                "com.example.SqlQuery");
        assertEquals("suspended", JsonViews.plugin(suspended).get("state"));
        assertEquals("com.example.SqlQuery", JsonViews.plugin(suspended).get("unavailable_capability"));
        assertEquals("serving", JsonViews.plugin(info).get("state"));
        assertEquals(List.of("max_memory_mb", "max_execution_time_ms", "max_network_requests", "allowed_hosts",
                "allowed_file_paths", "max_file_size_mb", "rate_limit_requests_per_minute"),
                List.copyOf(JsonViews.permissions(Permissions.DEFAULTS).keySet()));
        assertEquals(List.of("plugin_id", "executions", "successes", "failure_count", "failures", "latency_micros",
                "memory_high_water_bytes", "network_requests", "bytes_in", "bytes_out", "last_used", "loaded_at",
                "uptime_seconds"), List.copyOf(JsonViews.stats(stats).keySet()));
        assertEquals(List.of("plugin_id", "owner", "declared", "version", "created_at", "bound_at"),
                List.copyOf(JsonViews.identity(owner).keySet()));
        assertEquals(Set.of("plugins"), JsonViews.plugins(List.of(info)).keySet());
        assertEquals(Set.of("owners"), JsonViews.identities(List.of(owner)).keySet());
    }
}
