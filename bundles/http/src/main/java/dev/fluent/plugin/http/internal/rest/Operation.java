package dev.fluent.plugin.http.internal.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every route of the REST API, relative to {@code /fluent/api}. {@code openapi.json} describes exactly these
 * (a unit test holds them together); the OpenAPI operation id is given here.
 */
public enum Operation {
    LIST_PLUGINS("GET", "/plugins", Access.READ, "listPlugins"),
    LOAD_PLUGIN("POST", "/plugins", Access.ADMIN, "loadPlugin"),
    SHOW_PLUGIN("GET", "/plugins/{id}", Access.READ, "showPlugin"),
    UNLOAD_PLUGIN("DELETE", "/plugins/{id}", Access.ADMIN, "unloadPlugin"),
    RELOAD_PLUGIN("POST", "/plugins/{id}/reload", Access.ADMIN, "reloadPlugin"),
    EXECUTE("POST", "/plugins/{id}/execute", Access.EXECUTE, "executePlugin"),
    STATS("GET", "/plugins/{id}/stats", Access.READ, "pluginStats"),
    AUDIT_QUERY("GET", "/audit", Access.READ, "queryAudit"),
    AUDIT_VERIFY("GET", "/audit/verify", Access.READ, "verifyAudit"),
    OPENAPI("GET", "/openapi.json", Access.READ, "openApi");

    private final String method;
    private final String template;
    private final Access access;
    private final String operationId;
    private final String[] segments;

    Operation(String method, String template, Access access, String operationId) {
        this.method = method;
        this.template = template;
        this.access = access;
        this.operationId = operationId;
        this.segments = template.substring(1).split("/");
    }

    public String method() {
        return method;
    }

    /** The path template, with {@code {name}} for a path variable. */
    public String template() {
        return template;
    }

    public Access access() {
        return access;
    }

    public String operationId() {
        return operationId;
    }

    /** The path variables when {@code path} fits this route's template (whatever the method), else empty. */
    public Optional<Map<String, String>> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.length) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                variables.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(Map.copyOf(variables));
    }
}
