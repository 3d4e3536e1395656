package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.devtools.SecurityReport;
import dev.fluent.plugin.runtime.internal.inspect.PluginInspection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The findings only running the plugin reveals, each with a fixture that triggers it and a close one that does
 * not: the WAT plugins under {@code src/test/resources/findings} (rebuilt by its build.sh).
 */
class ProbeFindingsTest {

    private static PluginInspection inspection;
    private static DevToolsService devtools;

    @BeforeAll
    static void devtools() {
        inspection = Plugins.inspector(true);
        devtools = new DevToolsService(inspection, Plugins.PARSER, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        inspection.close();
    }

    private static SecurityReport test(String fixture) {
        URL folder = ProbeFindingsTest.class.getResource("/findings/" + fixture);
        try {
            return devtools.securityTest(Path.of(folder.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Finding> findings(SecurityReport report, String code) {
        return report.findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    /** The fixture reports the finding with its severity and a fix; the near miss does not report it. */
    private static Finding assertOnlyFirstReports(String code, Severity severity, String triggers, String doesNot) {
        SecurityReport hit = test(triggers);
        SecurityReport miss = test(doesNot);
        assertTrue(hit.probes() > 0 && miss.probes() > 0, "the fixtures load: " + hit + " / " + miss);
        List<Finding> found = findings(hit, code);
        assertEquals(1, found.size(), code + " expected once in " + hit.findings());
        assertEquals(severity, found.get(0).severity());
        assertFalse(found.get(0).fix().isEmpty());
        assertTrue(findings(miss, code).isEmpty(), doesNot + " must not report " + code + ": " + miss.findings());
        // Neither is more than a warning: unsigned is their only high finding.
        for (SecurityReport r : List.of(hit, miss)) {
            assertEquals(List.of("UNSIGNED"), r.findings().stream().filter(f -> f.severity() == Severity.HIGH)
                    .map(Finding::code).toList(), r.findings().toString());
        }
        return found.get(0);
    }

    @Test
    void reportsHostCallsRefusedAtRunTime() {
        Finding f = assertOnlyFirstReports("DENIED_CAPABILITY", Severity.MEDIUM, "denied-capability",
                "granted-capability");
        assertTrue(f.message().contains("ACCESS_DENIED fs_read /etc/passwd"), f.message());
    }

    @Test
    void reportsAnswersThatChangeForTheSameRequest() {
        Finding f = assertOnlyFirstReports("NONDETERMINISTIC", Severity.LOW, "nondeterministic", "deterministic");
        assertTrue(f.message().contains("answered differently"), f.message());
    }

    @Test
    void reportsMemoryCloseToItsLimit() {
        Finding f = assertOnlyFirstReports("MEMORY_HIGH_WATER", Severity.MEDIUM, "memory-high-water",
                "memory-headroom");
        assertTrue(f.message().contains("3.5 MiB of the 4 MiB"), f.message());
        assertTrue(findings(test("memory-headroom"), "MEMORY_LIMIT_GENEROUS").isEmpty());
    }
}
