package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The platform's HTTP face in the real distribution, over real HTTP on the loopback interface: calls without
 * credentials or with a wrong token are refused (401), a user of the karaf realm and a configured bearer token
 * get in with their roles, echo is loaded and run over HTTP, an unknown id is a NOT_LOADED problem, the audit
 * log shows each call's caller, /metrics parses as the Prometheus text format with echo's executions, and the
 * OpenAPI document is served.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpApiIT extends PlatformTestSupport {

    private static final String OPERATOR = "operator";
    private static final String OPERATOR_PASSWORD = "op-pass-4711";
    private static final String WATCHER = "watcher";
    private static final String WATCHER_PASSWORD = "watch-pass-0815";
    private static final String TOKEN_NAME = "ci-bot";
    private static final String TOKEN = "3c5f0e1b9a7d4e2f8b6a1c0d9e8f7a6b";

    private final LoopbackHttp http = new LoopbackHttp(System.getProperty(HTTP_PORT_PROPERTY));
    private final ObjectMapper mapper = new ObjectMapper();

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    @Override
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                // A user of the karaf realm with every role, one who may only read, and a token whose SHA-256
                // alone is configured.
                editConfigurationFilePut("etc/users.properties", OPERATOR, OPERATOR_PASSWORD + ",_g_:admingroup"),
                editConfigurationFilePut("etc/users.properties", WATCHER, WATCHER_PASSWORD + ",viewer"),
                editConfigurationFilePut("etc/dev.fluent.plugin.http.cfg", "tokens",
                        TOKEN_NAME + ":" + sha256(TOKEN) + ":viewer|manager"));
    }

    /** The whiteboard registers the servlets once pax-web runs: wait until the API answers (401 unauthenticated). */
    @Before
    public void waitForTheApi() throws Exception {
        http.awaitStatus("/fluent/api/openapi.json", 401, DEFAULT_TIMEOUT_MILLIS);
    }

    @Test
    public void refusesCallsWithoutCredentialsOrWithWrongOnes() throws Exception {
        HttpResponse<String> none = send("GET", "/fluent/api/plugins", null, null);
        assertEquals(401, none.statusCode());
        String challenge = none.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge, challenge.contains("Basic") && challenge.contains("Bearer"));
        assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElse(""));
        assertEquals("UNAUTHORIZED", json(none).get("code").asText());

        assertEquals(401, send("GET", "/fluent/api/plugins", bearer("not-the-token"), null).statusCode());
        assertEquals(401, send("GET", "/fluent/api/plugins", bearer(sha256(TOKEN)), null).statusCode());
        assertEquals(401, send("GET", "/fluent/api/plugins", basic(OPERATOR, "wrong"), null).statusCode());
        assertEquals("metrics need credentials by default", 401, send("GET", "/metrics", null, null).statusCode());
        assertEquals(401, send("GET", "/fluent/api/no-such-route", null, null).statusCode());
    }

    @Test
    public void aCallerWithoutTheRoleIsForbidden() throws Exception {
        HttpResponse<String> unload = send("DELETE", "/fluent/api/plugins/echo", basic(WATCHER, WATCHER_PASSWORD), null);
        assertEquals(403, unload.statusCode());
        assertEquals("FORBIDDEN", json(unload).get("code").asText());
        HttpResponse<String> load = send("POST", "/fluent/api/plugins", bearer(TOKEN),
                "{\"folder\":\"" + pluginFolder("echo") + "\"}");
        assertEquals("the token has no admin role", 403, load.statusCode());
        assertEquals(200, send("GET", "/fluent/api/plugins", basic(WATCHER, WATCHER_PASSWORD), null).statusCode());
    }

    @Test
    public void anUnknownPluginIsANotLoadedProblem() throws Exception {
        HttpResponse<String> execute = send("POST", "/fluent/api/plugins/no-such-plugin/execute", bearer(TOKEN),
                "{\"payload\":\"x\"}");
        assertEquals(404, execute.statusCode());
        assertEquals("application/problem+json", execute.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = json(execute);
        assertEquals("NOT_LOADED", problem.get("code").asText());
        assertEquals(404, problem.get("status").asInt());
        assertEquals("/fluent/api/plugins/no-such-plugin/execute", problem.get("instance").asText());
        assertTrue(problem.get("detail").asText().contains("no-such-plugin"));
        assertEquals(404, send("GET", "/fluent/api/plugins/no-such-plugin/stats", bearer(TOKEN), null).statusCode());
    }

    @Test
    public void loadsRunsAndUnloadsEchoOverHttpWithEveryCallAuditedAndCounted() throws Exception {
        HttpResponse<String> load = send("POST", "/fluent/api/plugins", basic(OPERATOR, OPERATOR_PASSWORD),
                "{\"folder\":\"" + pluginFolder("echo") + "\",\"remember\":false}");
        assertEquals(load.body(), 201, load.statusCode());
        assertEquals("/fluent/api/plugins/echo", load.headers().firstValue("Location").orElse(""));
        assertEquals("echo", json(load).get("id").asText());

        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> run = send("POST", "/fluent/api/plugins/echo/execute", bearer(TOKEN),
                    "{\"payload\":\"hello over http\",\"flowname\":\"greeting\"}");
            assertEquals(run.body(), 200, run.statusCode());
            JsonNode response = json(run);
            contents.add(response.get("content").asText());
            assertEquals(3, response.get("usage").get("prompt_tokens").asInt());
            assertTrue(response.has("finish_reason") && response.has("cost") && response.has("model"));
        }
        assertEquals(List.of("hello over http", "hello over http", "hello over http"), contents);

        JsonNode shown = json(send("GET", "/fluent/api/plugins/echo", basic(WATCHER, WATCHER_PASSWORD), null));
        assertEquals(3, shown.get("executions").asLong());
        JsonNode stats = json(send("GET", "/fluent/api/plugins/echo/stats", bearer(TOKEN), null));
        assertEquals(3, stats.get("successes").asLong());
        JsonNode withStats = json(send("GET", "/fluent/api/plugins?stats=true", bearer(TOKEN), null));
        assertEquals("the list carries each plugin's stats view", 3,
                withStats.get("plugins").get(0).get("stats").get("successes").asLong());

        HttpResponse<String> metrics = send("GET", "/metrics", bearer(TOKEN), null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = PrometheusText.parse(metrics.body());
        assertEquals(metrics.body(), 3.0, samples.get("fluent_plugin_executions_total{plugin=\"echo\"}"), 0.0);
        assertEquals(3.0, samples.get("fluent_plugin_execution_successes_total{plugin=\"echo\"}"), 0.0);
        assertEquals(3.0, samples.get("fluent_plugin_execution_latency_seconds_count{plugin=\"echo\"}"), 0.0);
        assertEquals(1.0, samples.get("fluent_plugin_loaded_plugins"), 0.0);
        assertNotNull(samples.get("fluent_plugin_audit_queue_depth"));
        assertTrue(samples.get("fluent_plugin_memory_high_water_bytes{plugin=\"echo\"}") > 0);

        // The audit log shows who made each call: the token by its name (never the token), the user by name.
        JsonNode entries = json(send("GET", "/fluent/api/audit?plugin=echo&action=http&limit=50",
                basic(OPERATOR, OPERATOR_PASSWORD), null)).get("entries");
        int executions = 0;
        boolean loadByOperator = false;
        for (JsonNode entry : entries) {
            JsonNode details = entry.get("details");
            assertFalse(entry.toString(), entry.toString().contains(TOKEN));
            if (entry.get("resource").asText().equals("POST /fluent/api/plugins/echo/execute")) {
                assertEquals(TOKEN_NAME, details.get("caller").asText());
                assertEquals("bearer", details.get("auth").asText());
                assertEquals("200", details.get("status").asText());
                executions++;
            }
            if (entry.get("resource").asText().equals("POST /fluent/api/plugins")) {
                loadByOperator = OPERATOR.equals(details.get("caller").asText()) && entry.get("success").asBoolean();
            }
        }
        assertEquals(entries.toString(), 3, executions);
        assertTrue(entries.toString(), loadByOperator);

        assertEquals(204, send("DELETE", "/fluent/api/plugins/echo", basic(OPERATOR, OPERATOR_PASSWORD), null).statusCode());
        assertEquals(404, send("GET", "/fluent/api/plugins/echo", bearer(TOKEN), null).statusCode());
    }

    @Test
    public void servesTheOpenApiDocumentAndTheAuditVerification() throws Exception {
        HttpResponse<String> document = send("GET", "/fluent/api/openapi.json", bearer(TOKEN), null);
        assertEquals(200, document.statusCode());
        JsonNode openApi = json(document);
        assertEquals("3.0.3", openApi.get("openapi").asText());
        assertTrue(openApi.get("paths").has("/plugins/{id}/execute"));

        JsonNode verification = json(send("GET", "/fluent/api/audit/verify", bearer(TOKEN), null));
        assertTrue(verification.toString(), verification.get("ok").asBoolean());
        assertTrue(verification.get("entries_checked").asLong() > 0);
    }

    @Test
    public void theDistributionListensOnLoopbackOnly() throws Exception {
        Object addresses = configurationAdmin.getConfiguration("org.ops4j.pax.web", null).getProperties()
                .get("org.ops4j.pax.web.listening.addresses");
        assertEquals("127.0.0.1", addresses);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String jsonBody)
            throws IOException, InterruptedException {
        return http.send(method, path, authorization == null ? Map.of() : Map.of("Authorization", authorization),
                jsonBody);
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
