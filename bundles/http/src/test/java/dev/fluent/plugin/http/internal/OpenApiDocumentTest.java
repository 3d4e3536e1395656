package dev.fluent.plugin.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.http.internal.rest.Endpoints;
import dev.fluent.plugin.http.internal.rest.Operation;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** openapi.json describes exactly the routes the servlets serve: none missing, none that does not exist. */
class OpenApiDocumentTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void describesEveryRouteAndNoOther() throws IOException {
        JsonNode document = new ObjectMapper().readTree(Endpoints.openApiDocument());

        Set<String> served = new TreeSet<>();
        for (Operation operation : Operation.values()) {
            served.add(operation.method() + " " + operation.template() + " " + operation.operationId());
        }
        served.add("GET " + MetricsServlet.PATH + " metrics"); // the metrics servlet's one route, outside the API

        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (HTTP_METHODS.contains(op.getKey())) {
                    described.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " "
                            + op.getValue().get("operationId").asText());
                }
            }
        }

        assertEquals(served, described);
        assertEquals(Endpoints.BASE, document.get("servers").get(0).get("url").asText());
    }
}
