package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.devtools.SecurityReport;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each finding of the security test: a fixture that triggers it, and the clean echo plugin that does not. */
class SecurityTestFindingsTest {

    @TempDir
    static Path dir;

    private static final DevToolsService DEVTOOLS = Plugins.devtools(true);
    /** The echo plugin, unsigned: its only static finding is UNSIGNED. */
    private static SecurityReport clean;

    @BeforeAll
    static void cleanEcho() {
        clean = DEVTOOLS.securityTest(Plugins.copy("echo", dir.resolve("clean")));
    }

    private static SecurityReport test(String example, String name, Consumer<ObjectNode> edit) {
        return DEVTOOLS.securityTest(Plugins.copy(example, dir.resolve(name), edit));
    }

    private static List<Finding> findings(SecurityReport report, String code) {
        return report.findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    private static void assertFinding(SecurityReport report, String code, Severity severity) {
        List<Finding> found = findings(report, code);
        assertFalse(found.isEmpty(), code + " expected in " + report.findings());
        assertEquals(severity, found.get(0).severity(), found.toString());
        assertFalse(found.get(0).fix().isEmpty());
        assertTrue(findings(clean, code).isEmpty(), "the clean plugin must not report " + code);
    }

    @Test
    void cleanPluginOnlyLacksASignature() {
        assertEquals(List.of("UNSIGNED"), clean.findings().stream().map(Finding::code).toList(), clean.toString());
        assertTrue(clean.probes() > 20, "probes ran: " + clean.probes());
    }

    @Test
    void reportsUnsignedAsHigh() {
        assertEquals(Severity.HIGH, findings(clean, "UNSIGNED").get(0).severity());
        assertTrue(clean.failed());
        SecurityReport signed = DevToolsService.class.cast(DEVTOOLS).securityTest(Plugins.example("echo"));
        // Signed with the development key, which this test's registry does not trust.
        assertTrue(findings(signed, "UNSIGNED").isEmpty());
    }

    @Test
    void reportsCapabilityDeclaredButNeverImported() {
        SecurityReport r = test("echo", "unused", m -> ((ArrayNode) m.get("capabilities")).add("CacheAccess"));
        assertFinding(r, "UNUSED_CAPABILITY", Severity.MEDIUM);
        assertTrue(findings(r, "UNUSED_CAPABILITY").get(0).message().contains("CacheAccess"));
    }

    @Test
    void warnsOfFunctionsTooLargeToCompile() {
        assertTrue(findings(clean, "INTERPRETED_FUNCTIONS").isEmpty());
        List<Finding> found = new java.util.ArrayList<>();
        StaticChecks.interpreted(new dev.fluent.plugin.api.inspect.ModuleFacts(1000, List.of(), List.of(), 1, -1, 2),
                found);
        assertEquals(1, found.size());
        assertEquals("INTERPRETED_FUNCTIONS", found.get(0).code());
        assertEquals(Severity.MEDIUM, found.get(0).severity());
        assertTrue(found.get(0).message().startsWith("2 function(s)"), found.get(0).message());
        StaticChecks.interpreted(new dev.fluent.plugin.api.inspect.ModuleFacts(1000, List.of(), List.of(), 1, -1, 0),
                found);
        assertEquals(1, found.size());
    }

    @Test
    void reportsLimitsAboveRecommended() {
        SecurityReport r = test("echo", "limits", m -> ((ObjectNode) m.get("permissions"))
                .put("max_memory_mb", 512).put("max_execution_time_ms", 120_000));
        assertFinding(r, "LIMIT_ABOVE_RECOMMENDED", Severity.MEDIUM);
        assertEquals(2, findings(r, "LIMIT_ABOVE_RECOMMENDED").size());
    }

    @Test
    void reportsWildcardHosts() {
        // The manifest parser already refuses "*" and "*.com"; a subdomain wildcard passes it and is flagged.
        SecurityReport r = test("echo", "hosts", m -> {
            ((ArrayNode) m.get("capabilities")).add("NetworkAccess");
            ((ArrayNode) ((ObjectNode) m.get("permissions")).get("allowed_hosts")).add("*.example.com");
        });
        assertFinding(r, "BROAD_HOST", Severity.MEDIUM);
    }

    @Test
    void reportsRootPaths() {
        SecurityReport r = test("echo", "paths", m -> {
            ((ArrayNode) m.get("capabilities")).add("FileSystemRead");
            ((ArrayNode) ((ObjectNode) m.get("permissions")).get("allowed_file_paths")).add("/");
        });
        assertFinding(r, "BROAD_PATH", Severity.HIGH);
    }

    @Test
    void reportsExpiringSoon() {
        Instant soon = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        assertFinding(test("echo", "expiring", m -> m.put("expires_at", soon.toString())), "EXPIRING_SOON",
                Severity.MEDIUM);
    }

    @Test
    void reportsTraps() {
        assertFinding(test("hostile/trap", "trap", m -> { }), "TRAP", Severity.HIGH);
    }

    @Test
    void reportsTimeoutsAndStopsProbing() {
        SecurityReport r = test("hostile/loop", "loop", m -> { });
        assertFinding(r, "TIMEOUT", Severity.HIGH);
        assertEquals(1, r.probes());
    }

    @Test
    void reportsMemoryLimit() {
        assertFinding(test("hostile/memory-bomb", "memory", m -> { }), "MEMORY_LIMIT", Severity.HIGH);
    }

    @Test
    void reportsMemoryLimitFarAboveUse() {
        assertFinding(test("echo", "generous", m -> ((ObjectNode) m.get("permissions")).put("max_memory_mb", 64)),
                "MEMORY_LIMIT_GENEROUS", Severity.LOW);
    }

    @Test
    void reportsBrokenResponses() {
        assertFinding(test("hostile/stateful", "stateful", m -> { }), "BAD_RESPONSE", Severity.HIGH);
    }

    @Test
    void reportsLoadProblemsAsHigh() {
        SecurityReport r = test("hostile/undeclared-capability", "undeclared", m -> { });
        assertFinding(r, "IMPORT_NOT_ALLOWED", Severity.HIGH);
        assertEquals(0, r.probes());
    }
}
