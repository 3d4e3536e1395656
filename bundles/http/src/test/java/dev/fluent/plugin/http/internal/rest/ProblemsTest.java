package dev.fluent.plugin.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void mapsExecutionCodesToTheStatusesClientsRetryOrGiveUpOn() {
        assertEquals(404, Problems.status(ErrorCode.NOT_LOADED));
        assertEquals(400, Problems.status(ErrorCode.BAD_REQUEST));
        assertEquals(429, Problems.status(ErrorCode.RATE_LIMITED));
        assertEquals(503, Problems.status(ErrorCode.BUSY));
        assertEquals(504, Problems.status(ErrorCode.TIMEOUT));
        assertEquals(403, Problems.status(ErrorCode.ACCESS_DENIED));
        assertEquals(403, Problems.status(ErrorCode.CAPABILITY_NOT_GRANTED));
        assertEquals(502, Problems.status(ErrorCode.TRAP));
        assertEquals(502, Problems.status(ErrorCode.PLUGIN_ERROR));
        assertEquals(500, Problems.status(ErrorCode.INTERNAL));
    }

    @Test
    void answersLoadRefusalsWith422AndADuplicateLoadWith409() {
        for (ErrorCode code : new ErrorCode[] {ErrorCode.CHECKSUM_MISMATCH, ErrorCode.SIGNATURE_INVALID,
                ErrorCode.KEY_UNTRUSTED, ErrorCode.MANIFEST_INVALID, ErrorCode.POLICY_REFUSED, ErrorCode.OWNER_MISMATCH,
                ErrorCode.DOWNGRADE, ErrorCode.PLUGIN_NOT_FOUND, ErrorCode.INSUFFICIENT_MEMORY}) {
            assertEquals(422, Problems.status(code), code.name());
        }
        assertEquals(409, Problems.status(ErrorCode.ALREADY_LOADED));
    }

    @Test
    void everyCodeIsAnErrorStatus() {
        for (ErrorCode code : ErrorCode.values()) {
            int status = Problems.status(code);
            assertTrue(status >= 400 && status <= 599, code + " → " + status);
            assertFalse(Problems.title(status).isBlank());
        }
    }

    @Test
    void aPlatformFailureBecomesAProblemDetailWithItsCode() {
        PluginException e = new PluginException(ErrorCode.PLUGIN_ERROR, "echo", "the plugin said no\u001b[2J", "NOPE", null);

        Map<String, Object> problem = Problems.of(e, "/fluent/api/plugins/echo/execute");

        assertEquals("urn:dev.fluent.plugin:problem:PLUGIN_ERROR", problem.get("type"));
        assertEquals("Bad Gateway", problem.get("title"));
        assertEquals(502, problem.get("status"));
        assertEquals("PLUGIN_ERROR", problem.get("code"));
        assertEquals("/fluent/api/plugins/echo/execute", problem.get("instance"));
        assertEquals("echo", problem.get("plugin_id"));
        assertEquals("NOPE", problem.get("plugin_code"));
        assertEquals("the plugin said no\\u001b[2J", problem.get("detail"), "control characters are escaped");
    }

    @Test
    void aPluginsMalformedOwnCodeIsReplaced() {
        PluginException e = new PluginException(ErrorCode.PLUGIN_ERROR, "echo", "no", "bad code\n", null);

        assertEquals("INVALID_CODE", Problems.of(e, "/x").get("plugin_code"));
    }

    @Test
    void aCallProblemCarriesItsOwnCode() {
        Map<String, Object> problem = Problems.of(new ApiException(403, "FORBIDDEN", "bob lacks the role 'admin'"), "/p");

        assertEquals(403, problem.get("status"));
        assertEquals("FORBIDDEN", problem.get("code"));
        assertEquals("Forbidden", problem.get("title"));
        assertFalse(problem.containsKey("plugin_id"));
    }
}
