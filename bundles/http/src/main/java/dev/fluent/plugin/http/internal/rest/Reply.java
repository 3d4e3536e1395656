package dev.fluent.plugin.http.internal.rest;

/**
 * What an operation answers.
 *
 * @param status the HTTP status
 * @param body JSON to write (maps, lists, text, numbers), the bytes of a document, or {@code null} for none
 * @param contentType the body's media type
 * @param location the {@code Location} of a created resource, or {@code null}
 * @param pluginId the plugin the operation concerned, for the audit entry, or {@code ""}
 */
public record Reply(int status, Object body, String contentType, String location, String pluginId) {

    public static final String JSON = "application/json";

    public static Reply ok(Object body, String pluginId) {
        return new Reply(200, body, JSON, null, pluginId);
    }

    public static Reply created(Object body, String location, String pluginId) {
        return new Reply(201, body, JSON, location, pluginId);
    }

    public static Reply noContent(String pluginId) {
        return new Reply(204, null, null, null, pluginId);
    }

    /** A document already in its final form: the OpenAPI JSON, the metrics text. */
    public static Reply document(byte[] body, String contentType) {
        return new Reply(200, body, contentType, null, "");
    }
}
