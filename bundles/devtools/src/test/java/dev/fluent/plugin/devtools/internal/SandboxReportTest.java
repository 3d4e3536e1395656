package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.devtools.SecurityReport;
import dev.fluent.plugin.runtime.internal.inspect.PluginInspection;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The security test reports, per declared capability, what the plugin called on the sandbox's fakes, and
 * records each run with the platform's audit sinks as security-test.
 */
class SandboxReportTest {

    private static final String URL = "http://127.0.0.1:65535/steal";

    @Test
    void listsTheCallsOfEachDeclaredCapabilityAndAuditsTheRun() throws Exception {
        List<AuditEvent> audited = new CopyOnWriteArrayList<>();
        PluginInspection inspection = Plugins.inspector(true);
        try {
            DevToolsService devtools = new DevToolsService(inspection, Plugins.PARSER, Clock.systemUTC());
            devtools.addAuditSink(audited::add);
            Path folder = Plugins.example("hostile/exfiltrate");
            SecurityReport report = devtools.securityTest(folder);

            assertTrue(report.probes() > 20, report.toString());
            assertEquals(java.util.Set.of(Capability.NETWORK_ACCESS, Capability.CONFIGURATION_ACCESS), report.declared());
            // Every probe read the key and posted it: a fake value, to a fake network.
            assertEquals(List.of(
                    new SandboxCall(Capability.CONFIGURATION_ACCESS, "config_get", "api_key", "answered"),
                    new SandboxCall(Capability.NETWORK_ACCESS, "http_request", "POST " + URL, "answered")),
                    report.hostCalls().subList(0, 2));
            assertEquals(2L * report.probes(), report.hostCalls().size());

            String text = Reports.hostCalls(report);
            assertTrue(text.contains("NetworkAccess      http_request POST " + URL + ": answered (x" + report.probes()
                    + ")"), text);
            assertTrue(text.contains("ConfigurationAccess config_get api_key: answered (x"), text);
            JsonNode json = new ObjectMapper().readTree(Reports.json(report));
            JsonNode network = json.path("host_calls").path("NetworkAccess").path(0);
            assertEquals("POST " + URL, network.path("argument").asText());
            assertEquals(report.probes(), network.path("count").asInt());

            assertEquals(1, audited.size());
            AuditEvent run = audited.get(0);
            assertEquals(AuditActions.SECURITY_TEST, run.action());
            assertEquals("hostile-exfiltrate", run.pluginId());
            assertEquals(report.folder().toString(), run.resource());
            assertEquals(report.failed() ? "FAIL" : "PASS", run.details().get("verdict"));
            assertEquals(Integer.toString(report.probes()), run.details().get("probes"));
            assertEquals(Integer.toString(report.hostCalls().size()), run.details().get("host_calls"));
            assertEquals("0", run.details().get("refused"));
        } finally {
            inspection.close();
        }
    }

    @Test
    void aCapabilityNeverCalledIsNamedAsSuchAndArgumentsAreEscaped() {
        SecurityReport report = new SecurityReport(Path.of("p"), "p", List.of(), 3,
                java.util.Set.of(Capability.CACHE_ACCESS, Capability.CONFIGURATION_ACCESS),
                List.of(new SandboxCall(Capability.CONFIGURATION_ACCESS, "config_get", "k\u001b[2J", "not found")));
        String text = Reports.hostCalls(report);
        assertTrue(text.contains("CacheAccess        not called"), text);
        assertTrue(text.contains("ConfigurationAccess config_get k"), text);
        assertFalse(text.contains("\u001b"), text);
    }

    @Test
    void aThirdPartyCapabilityIsNamedAsNotExercisedInTextAndJson() throws Exception {
        SecurityReport report = new SecurityReport(Path.of("p"), "p", List.of(), 3, java.util.Set.of(), List.of(),
                java.util.Set.of("com.example.SqlQuery"));

        String text = Reports.hostCalls(report);
        assertTrue(text.contains("com.example.SqlQuery not exercised: a third-party capability, not served in"
                + " the sandbox"), text);
        JsonNode json = new ObjectMapper().readTree(Reports.json(report));
        assertTrue(json.path("host_calls").has("com.example.SqlQuery"), json.toString());
    }
}
