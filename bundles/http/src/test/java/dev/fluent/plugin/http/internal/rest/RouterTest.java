package dev.fluent.plugin.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    @Test
    void routesEachMethodAndPathToItsOperationWithThePathVariables() throws ApiException {
        assertEquals(new Router.Match(Operation.LIST_PLUGINS, Map.of()), Router.route("GET", "/plugins"));
        assertEquals(new Router.Match(Operation.LOAD_PLUGIN, Map.of()), Router.route("POST", "/plugins"));
        assertEquals(new Router.Match(Operation.SHOW_PLUGIN, Map.of("id", "echo")), Router.route("GET", "/plugins/echo"));
        assertEquals(new Router.Match(Operation.UNLOAD_PLUGIN, Map.of("id", "kv-counter")),
                Router.route("DELETE", "/plugins/kv-counter"));
        assertEquals(new Router.Match(Operation.EXECUTE, Map.of("id", "echo")),
                Router.route("POST", "/plugins/echo/execute"));
        assertEquals(new Router.Match(Operation.RELOAD_PLUGIN, Map.of("id", "a.b_c")),
                Router.route("POST", "/plugins/a.b_c/reload"));
        assertEquals(new Router.Match(Operation.STATS, Map.of("id", "echo")), Router.route("GET", "/plugins/echo/stats"));
        assertEquals(new Router.Match(Operation.AUDIT_QUERY, Map.of()), Router.route("GET", "/audit"));
        assertEquals(new Router.Match(Operation.AUDIT_VERIFY, Map.of()), Router.route("GET", "/audit/verify"));
        assertEquals(new Router.Match(Operation.OPENAPI, Map.of()), Router.route("GET", "/openapi.json"));
    }

    @Test
    void answersAPathNoRouteHasWith404() {
        for (String path : new String[] {"/", "/plugin", "/plugins/", "/plugins/echo/run", "/plugins//stats",
                "/audit/verify/now", "/plugins/echo/execute/"}) {
            ApiException e = assertThrows(ApiException.class, () -> Router.route("GET", path), path);
            assertEquals(404, e.status(), path);
            assertEquals("NOT_FOUND", e.code());
        }
    }

    @Test
    void answersAKnownPathWithAnotherMethodWith405AndTheAllowedMethods() {
        ApiException e = assertThrows(ApiException.class, () -> Router.route("PUT", "/plugins/echo"));
        assertEquals(405, e.status());
        assertEquals("METHOD_NOT_ALLOWED", e.code());
        assertEquals(Map.of("Allow", "DELETE, GET"), e.headers());

        ApiException execute = assertThrows(ApiException.class, () -> Router.route("GET", "/plugins/echo/execute"));
        assertEquals(Map.of("Allow", "POST"), execute.headers());
    }

    @Test
    void givesEachOperationTheAccessItNeeds() {
        assertEquals(Access.READ, Operation.AUDIT_QUERY.access());
        assertEquals(Access.EXECUTE, Operation.EXECUTE.access());
        assertEquals(Access.ADMIN, Operation.LOAD_PLUGIN.access());
        assertEquals(Access.ADMIN, Operation.UNLOAD_PLUGIN.access());
        assertEquals(Access.ADMIN, Operation.RELOAD_PLUGIN.access());
    }
}
