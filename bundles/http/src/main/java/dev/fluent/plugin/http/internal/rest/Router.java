package dev.fluent.plugin.http.internal.rest;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Finds the {@link Operation} a method and path ask for. */
public final class Router {

    /** An operation and its path variables. */
    public record Match(Operation operation, Map<String, String> variables) {
    }

    private Router() {
    }

    /**
     * @param path the path below {@code /fluent/api}, e.g. {@code /plugins/echo}
     * @throws ApiException 404 {@code NOT_FOUND} for a path no route has, 405 {@code METHOD_NOT_ALLOWED} (with
     *         {@code Allow}) for a path whose routes take other methods
     */
    public static Match route(String method, String path) throws ApiException {
        Set<String> allowed = new TreeSet<>();
        for (Operation operation : Operation.values()) {
            Map<String, String> variables = operation.match(path).orElse(null);
            if (variables == null) {
                continue;
            }
            if (operation.method().equals(method)) {
                return new Match(operation, variables);
            }
            allowed.add(operation.method());
        }
        if (allowed.isEmpty()) {
            throw new ApiException(404, "NOT_FOUND", "no resource " + path + " (GET /fluent/api/openapi.json lists them)");
        }
        throw new ApiException(405, "METHOD_NOT_ALLOWED", path + " takes " + String.join(", ", allowed) + ", not " + method,
                Map.of("Allow", String.join(", ", allowed)));
    }
}
