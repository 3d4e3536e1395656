package dev.fluent.plugin.http.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.PluginSources;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a client sends: JSON bodies and query parameters. Strict, like the manifest: an unknown field is an
 * error naming it (a misspelt field must not be silently ignored), and so is a value of the wrong type.
 */
public final class Bodies {

    /** The most audit entries one query returns. */
    public static final int MAX_AUDIT_LIMIT = 1000;
    /** The audit entries a query without {@code limit} returns, as many as {@code plugin:audit} shows. */
    public static final int DEFAULT_AUDIT_LIMIT = 50;

    private static final Set<String> EXECUTE_FIELDS = Set.of("payload", "flowname");
    private static final Set<String> LOAD_FIELDS = Set.of("folder", "remember");
    private static final Set<String> RELOAD_FIELDS = Set.of("folder");
    private static final Set<String> AUDIT_PARAMETERS = Set.of("plugin", "action", "failed", "since", "until", "limit");

    private final ObjectMapper mapper;

    public Bodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * What {@code plugin:load} takes: where the plugin is (a folder, a {@code .zip}, a {@code mvn:} artifact, see
     * {@link dev.fluent.plugin.api.PluginSources}), and whether the platform loads it again after a restart.
     */
    public record Load(String location, boolean remember) {
    }

    /**
     * An execution request, the shape the ABI hands a plugin: {@code payload} (text; any other JSON value is
     * passed as its JSON text) and {@code flowname} (optional).
     */
    public EngineRequest executeRequest(byte[] body) throws ApiException {
        JsonNode json = object(body, EXECUTE_FIELDS, true);
        JsonNode payload = json.get("payload");
        if (payload == null || payload.isNull()) {
            throw ApiException.badRequest("the request body needs 'payload': the text handed to the plugin");
        }
        String text = payload.isTextual() ? payload.textValue() : payload.toString();
        return new EngineRequest(optionalText(json, "flowname"), text);
    }

    public Load loadRequest(byte[] body) throws ApiException {
        JsonNode json = object(body, LOAD_FIELDS, true);
        String folder = optionalText(json, "folder");
        if (folder == null || folder.isBlank()) {
            throw ApiException.badRequest("the request body needs 'folder': the plugin folder on the server, a .zip of"
                    + " one, or mvn:<group>/<artifact>/<version>/zip");
        }
        JsonNode remember = json.get("remember");
        if (remember != null && !remember.isBoolean()) {
            throw ApiException.badRequest("'remember' must be true or false");
        }
        return new Load(location(folder), remember == null || remember.booleanValue());
    }

    /** A reload's new location, or {@code null} to reload from the folder the plugin was loaded from. */
    public String reloadFolder(byte[] body) throws ApiException {
        if (body.length == 0) {
            return null;
        }
        String folder = optionalText(object(body, RELOAD_FIELDS, false), "folder");
        return folder == null ? null : location(folder);
    }

    /** Whether a list asks for each plugin's statistics too ({@code ?stats=true}); any other parameter is refused. */
    public static boolean listWithStats(Map<String, String[]> parameters) throws ApiException {
        for (String name : parameters.keySet()) {
            if (!name.equals("stats")) {
                throw ApiException.badRequest("unknown query parameter '" + name + "'; known: [stats]");
            }
        }
        String stats = single(parameters, "stats");
        if (stats != null && !stats.equals("true") && !stats.equals("false")) {
            throw ApiException.badRequest("'stats' must be true or false, was '" + stats + "'");
        }
        return "true".equals(stats);
    }

    /** The audit query the parameters ask for; times are RFC 3339 instants. */
    public static AuditQuery auditQuery(Map<String, String[]> parameters) throws ApiException {
        for (String name : parameters.keySet()) {
            if (!AUDIT_PARAMETERS.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "'; known: " + AUDIT_PARAMETERS);
            }
        }
        String failed = single(parameters, "failed");
        if (failed != null && !failed.equals("true") && !failed.equals("false")) {
            throw ApiException.badRequest("'failed' must be true or false, was '" + failed + "'");
        }
        String limitText = single(parameters, "limit");
        int limit = DEFAULT_AUDIT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
                throw ApiException.badRequest("'limit' must be a number from 1 to " + MAX_AUDIT_LIMIT + ", was '"
                        + limitText + "'");
            }
        }
        try {
            return AuditQuery.builder().pluginId(single(parameters, "plugin")).action(single(parameters, "action"))
                    .failedOnly("true".equals(failed)).since(instant(parameters, "since"))
                    .until(instant(parameters, "until")).limit(limit).build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private JsonNode object(byte[] body, Set<String> fields, boolean required) throws ApiException {
        if (body.length == 0) {
            if (required) {
                throw ApiException.badRequest("the request needs a JSON object body with " + fields);
            }
            return mapper.createObjectNode();
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object with " + fields);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; this request takes " + fields);
            }
        }
        return json;
    }

    private static String optionalText(JsonNode json, String field) throws ApiException {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return value.textValue();
    }

    /** A {@code mvn:} location as given (the sources check its syntax), anything else a path on the server. */
    private static String location(String folder) throws ApiException {
        if (folder.startsWith(PluginSources.MAVEN_PREFIX)) {
            return folder;
        }
        try {
            return Path.of(folder).toString();
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("'folder' is not a path: " + e.getMessage());
        }
    }

    private static String single(Map<String, String[]> parameters, String name) throws ApiException {
        String[] values = parameters.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw ApiException.badRequest("'" + name + "' is given " + values.length + " times");
        }
        return values[0].isEmpty() ? null : values[0];
    }

    private static Instant instant(Map<String, String[]> parameters, String name) throws ApiException {
        String text = single(parameters, name);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an RFC 3339 instant such as 2026-01-31T12:00:00Z, was '"
                    + text + "'");
        }
    }
}
