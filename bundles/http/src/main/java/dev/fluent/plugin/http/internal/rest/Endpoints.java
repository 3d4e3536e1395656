package dev.fluent.plugin.http.internal.rest;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.json.JsonViews;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each {@link Operation} does: one call of an exported service, as the shell's {@code plugin:*} command of
 * the same name makes it. Nothing here checks what the services check.
 */
public final class Endpoints {

    /** Where the API is mounted; {@code Location} headers and problem instances are absolute paths under it. */
    public static final String BASE = "/fluent/api";

    private final PluginRegistry registry;
    private final PluginSources sources;
    private final AuditLog auditLog;
    private final Bodies bodies;
    private final byte[] openApi;

    public Endpoints(PluginRegistry registry, PluginSources sources, AuditLog auditLog, Bodies bodies,
            byte[] openApi) {
        this.registry = registry;
        this.sources = sources;
        this.auditLog = auditLog;
        this.bodies = bodies;
        this.openApi = openApi.clone();
    }

    /**
     * @param variables the path variables of the route
     * @param query the query parameters
     * @param body the request body, empty when there is none
     */
    public Reply handle(Operation operation, Map<String, String> variables, Map<String, String[]> query, byte[] body)
            throws PluginException, ApiException {
        String id = variables.getOrDefault("id", "");
        return switch (operation) {
            case LIST_PLUGINS -> Reply.ok(Bodies.listWithStats(query) ? pluginsWithStats() : JsonViews.plugins(registry.list()), "");
            case SHOW_PLUGIN -> Reply.ok(JsonViews.plugin(registry.find(id).orElseThrow(() -> notLoaded(id))), id);
            case LOAD_PLUGIN -> load(body);
            case UNLOAD_PLUGIN -> {
                registry.unload(id);
                yield Reply.noContent(id);
            }
            case RELOAD_PLUGIN -> reload(id, body);
            case EXECUTE -> Reply.ok(JsonViews.response(registry.execute(id, bodies.executeRequest(body))), id);
            case STATS -> {
                PluginStats stats = registry.stats(id).orElseThrow(() -> notLoaded(id));
                yield Reply.ok(JsonViews.stats(stats), id);
            }
            case AUDIT_QUERY -> Reply.ok(JsonViews.auditRecords(auditLog.query(Bodies.auditQuery(query))), "");
            case AUDIT_VERIFY -> Reply.ok(JsonViews.verification(auditLog.verify()), "");
            case OPENAPI -> Reply.document(openApi.clone(), Reply.JSON);
        };
    }

    /** The list with each plugin's {@code stats} view inside it: what a page showing both needs, in one call. */
    private Map<String, Object> pluginsWithStats() {
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (PluginInfo info : registry.list()) {
            Map<String, Object> plugin = new LinkedHashMap<>(JsonViews.plugin(info));
            // A plugin unloaded between the list and this call has no statistics left: null, not an error.
            plugin.put("stats", registry.stats(info.id()).map(JsonViews::stats).orElse(null));
            plugins.add(plugin);
        }
        return Map.of("plugins", plugins);
    }

    private Reply load(byte[] body) throws PluginException, ApiException {
        Bodies.Load request = bodies.loadRequest(body);
        PluginInfo info = registry.load(sources.folder(request.location()), request.remember());
        return Reply.created(JsonViews.plugin(info), BASE + "/plugins/" + info.id(), info.id());
    }

    private Reply reload(String id, byte[] body) throws PluginException, ApiException {
        String location = bodies.reloadFolder(body);
        PluginInfo info = location == null ? registry.reload(id) : registry.reload(id, sources.folder(location));
        return Reply.ok(JsonViews.plugin(info), id);
    }

    /** The OpenAPI document of the API, {@code openapi.json} beside this class. */
    public static byte[] openApiDocument() {
        try (InputStream in = Endpoints.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading openapi.json", e);
        }
    }

    /** The same failure, and message, as the shell's {@code plugin:show} gives for an id that is not loaded. */
    static PluginException notLoaded(String id) {
        return new PluginException(ErrorCode.NOT_LOADED, id,
                "no plugin " + id + " is loaded (GET " + BASE + "/plugins lists those that are)");
    }
}
