package dev.fluent.plugin.manifest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.charset.StandardCharsets;

/** Builds manifests for the tests and runs them through a fresh parser. */
final class Manifests {

    static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {
    }

    /** The three required fields and nothing else. */
    static ObjectNode minimal() {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("name", "my-plugin");
        manifest.put("version", "1.0.0");
        manifest.put("engine_type", "openai");
        return manifest;
    }

    /** {@link #minimal()} with one permission set. */
    static ObjectNode withPermission(String field, JsonNode value) {
        ObjectNode manifest = minimal();
        manifest.putObject("permissions").set(field, value);
        return manifest;
    }

    /** A JSON value written as JSON text, e.g. {@code node("[1, 2]")}. */
    static JsonNode node(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static PluginManifest parse(JsonNode manifest) throws PluginException {
        return parse(manifest.toString());
    }

    static PluginManifest parse(String manifest) throws PluginException {
        return new JsonManifestParser().parse(manifest.getBytes(StandardCharsets.UTF_8));
    }

    static PluginException invalid(JsonNode manifest) {
        return invalid(manifest.toString());
    }

    static PluginException invalid(String manifest) {
        return invalid(manifest.getBytes(StandardCharsets.UTF_8));
    }

    static PluginException invalid(byte[] manifest) {
        PluginException e = assertThrows(PluginException.class, () -> new JsonManifestParser().parse(manifest));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), e::getMessage);
        return e;
    }

    /** Parsing {@code manifest} fails with a message starting {@code path + ": "} and holding every fragment. */
    static PluginException assertInvalid(JsonNode manifest, String path, String... fragments) {
        return assertInvalid(manifest.toString(), path, fragments);
    }

    static PluginException assertInvalid(String manifest, String path, String... fragments) {
        return assertMessage(invalid(manifest), path, fragments);
    }

    static PluginException assertMessage(PluginException e, String path, String... fragments) {
        String message = e.getMessage();
        assertTrue(message.startsWith(path + ": "), () -> "expected path " + path + " in: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected \"" + fragment + "\" in: " + message);
        }
        return e;
    }
}
