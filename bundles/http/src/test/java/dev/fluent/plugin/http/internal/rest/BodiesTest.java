package dev.fluent.plugin.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.EngineRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodiesTest {

    private final Bodies bodies = new Bodies(new ObjectMapper());

    @Test
    void readsAnExecuteRequestInTheAbisShape() throws ApiException {
        assertEquals(new EngineRequest("greet", "hello"),
                bodies.executeRequest(bytes("{\"payload\":\"hello\",\"flowname\":\"greet\"}")));
        assertEquals(EngineRequest.of("hello"), bodies.executeRequest(bytes("{\"payload\":\"hello\"}")));
    }

    @Test
    void handsAJsonPayloadOverAsItsJsonText() throws ApiException {
        assertEquals("{\"a\":[1,2]}", bodies.executeRequest(bytes("{\"payload\":{\"a\":[1,2]}}")).payload());
    }

    @Test
    void refusesUnknownFieldsMissingPayloadAndWhatIsNotJson() {
        ApiException unknown = assertThrows(ApiException.class,
                () -> bodies.executeRequest(bytes("{\"payload\":\"x\",\"flow\":\"y\"}")));
        assertEquals(400, unknown.status());
        assertTrue(unknown.getMessage().contains("'flow'"), unknown.getMessage());
        assertThrows(ApiException.class, () -> bodies.executeRequest(bytes("{\"flowname\":\"y\"}")));
        assertThrows(ApiException.class, () -> bodies.executeRequest(bytes("{\"payload\":")));
        assertThrows(ApiException.class, () -> bodies.executeRequest(bytes("[\"payload\"]")));
        assertThrows(ApiException.class, () -> bodies.executeRequest(new byte[0]));
        assertThrows(ApiException.class, () -> bodies.executeRequest(bytes("{\"payload\":\"x\",\"flowname\":3}")));
    }

    @Test
    void readsALoadRequestRememberedByDefault() throws ApiException {
        assertEquals(new Bodies.Load("/opt/plugins/echo", true),
                bodies.loadRequest(bytes("{\"folder\":\"/opt/plugins/echo\"}")));
        assertEquals(new Bodies.Load("p", false), bodies.loadRequest(bytes("{\"folder\":\"p\",\"remember\":false}")));
        assertEquals(new Bodies.Load("mvn:org.example/echo/1.0.0/zip", true),
                bodies.loadRequest(bytes("{\"folder\":\"mvn:org.example/echo/1.0.0/zip\"}")));
        assertThrows(ApiException.class, () -> bodies.loadRequest(bytes("{\"remember\":true}")));
        assertThrows(ApiException.class, () -> bodies.loadRequest(bytes("{\"folder\":\"p\",\"remember\":\"yes\"}")));
    }

    @Test
    void aReloadTakesAnOptionalFolder() throws ApiException {
        assertNull(bodies.reloadFolder(new byte[0]));
        assertNull(bodies.reloadFolder(bytes("{}")));
        assertEquals("v2", bodies.reloadFolder(bytes("{\"folder\":\"v2\"}")));
        assertEquals("mvn:org.example/echo/2.0.0/zip",
                bodies.reloadFolder(bytes("{\"folder\":\"mvn:org.example/echo/2.0.0/zip\"}")));
    }

    @Test
    void readsAnAuditQueryFromTheParameters() throws ApiException {
        AuditQuery query = Bodies.auditQuery(Map.of("plugin", new String[] {"echo"}, "action", new String[] {"http"},
                "failed", new String[] {"true"}, "since", new String[] {"2026-01-31T12:00:00Z"},
                "limit", new String[] {"7"}));

        assertEquals(new AuditQuery("echo", "http", true, Instant.parse("2026-01-31T12:00:00Z"), null, 7), query);
        assertEquals(Bodies.DEFAULT_AUDIT_LIMIT, Bodies.auditQuery(Map.of()).limit());
    }

    @Test
    void refusesBadAuditParameters() {
        for (Map<String, String[]> bad : List.of(
                Map.of("limit", new String[] {"0"}),
                Map.of("limit", new String[] {"1001"}),
                Map.of("limit", new String[] {"many"}),
                Map.of("failed", new String[] {"yes"}),
                Map.of("since", new String[] {"yesterday"}),
                Map.of("since", new String[] {"2026-02-01T00:00:00Z"}, "until", new String[] {"2026-01-01T00:00:00Z"}),
                Map.of("plugin", new String[] {"a", "b"}),
                Map.of("pluginId", new String[] {"echo"}))) {
            ApiException e = assertThrows(ApiException.class, () -> Bodies.auditQuery(bad), bad.keySet().toString());
            assertEquals(400, e.status());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aListAsksForStatisticsWithTrueOrFalseAndNothingElse() throws ApiException {
        assertTrue(Bodies.listWithStats(Map.of("stats", new String[] {"true"})));
        assertEquals(false, Bodies.listWithStats(Map.of("stats", new String[] {"false"})));
        assertEquals(false, Bodies.listWithStats(Map.of()));
        ApiException unknown = assertThrows(ApiException.class,
                () -> Bodies.listWithStats(Map.of("verbose", new String[] {"1"})));
        assertTrue(unknown.getMessage().contains("unknown query parameter 'verbose'"), unknown.getMessage());
        ApiException notABoolean = assertThrows(ApiException.class,
                () -> Bodies.listWithStats(Map.of("stats", new String[] {"yes"})));
        assertTrue(notABoolean.getMessage().contains("true or false"), notABoolean.getMessage());
    }
}
