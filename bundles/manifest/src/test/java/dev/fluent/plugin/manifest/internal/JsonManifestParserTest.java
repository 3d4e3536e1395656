package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.assertMessage;
import static dev.fluent.plugin.manifest.internal.Manifests.invalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The document as a whole: JSON syntax, size, shape, unknown fields, defaults. */
class JsonManifestParserTest {

    private static final String ORIGINAL_DESIGN_EXAMPLE = """
            {
              "name": "my-plugin",
              "version": "1.0.0",
              "engine_type": "openai",
              "capabilities": ["NetworkAccess", "LoggingAccess"],
              "permissions": {
                "max_memory_mb": 64,
                "max_execution_time_ms": 30000,
                "max_network_requests": 100
              }
            }
            """;

    private static final String CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void isAManifestParserBuiltWithNew() {
        ManifestParser parser = new JsonManifestParser();
        assertTrue(parser instanceof JsonManifestParser);
    }

    @Test
    void parsesTheOriginalDesignExampleWithDefaultsForTheRest() throws PluginException {
        PluginManifest manifest = parse(ORIGINAL_DESIGN_EXAMPLE);

        assertEquals("my-plugin", manifest.name());
        assertEquals("1.0.0", manifest.version());
        assertEquals("openai", manifest.engineType());
        assertEquals("", manifest.description());
        assertEquals("", manifest.author());
        assertEquals(Set.of(Capability.NETWORK_ACCESS, Capability.LOGGING_ACCESS), manifest.capabilities());
        assertEquals(new Permissions(64, 30_000, 100, List.of(), List.of(), 10, 60), manifest.permissions());
        assertNull(manifest.checksum());
        assertNull(manifest.signature());
        assertNull(manifest.createdAt());
        assertNull(manifest.expiresAt());
    }

    @Test
    void minimalManifestTakesEveryDefault() throws PluginException {
        PluginManifest manifest = parse(minimal());

        assertEquals(Set.of(), manifest.capabilities());
        assertEquals(Permissions.DEFAULTS, manifest.permissions());
        assertEquals("", manifest.description());
        assertEquals("", manifest.author());
        assertNull(manifest.checksum());
    }

    @Test
    void emptyPermissionsObjectTakesEveryDefault() throws PluginException {
        ObjectNode manifest = minimal();
        manifest.putObject("permissions");

        assertEquals(Permissions.DEFAULTS, parse(manifest).permissions());
    }

    @Test
    void readsEveryFieldOfAFullManifest() throws PluginException {
        String json = """
                {
                  "name": "weather.lookup_2",
                  "version": "2.1.0-rc.1+build.5",
                  "description": "Looks up the weather – für alle 🌦",
                  "author": "Jane Doe <jane@example.com>",
                  "engine_type": "weather",
                  "capabilities": ["NetworkAccess", "CacheAccess"],
                  "permissions": {
                    "max_memory_mb": 128,
                    "max_execution_time_ms": 5000,
                    "max_network_requests": 3,
                    "allowed_hosts": ["api.example.com", "*.weather.example.org", "https://10.0.0.1:8443"],
                    "allowed_file_paths": ["cache", "/srv/data/weather"],
                    "max_file_size_mb": 2,
                    "rate_limit_requests_per_minute": 600
                  },
                  "checksum": "%s",
                  "signature": "ed25519:release-2026:c2lnbmF0dXJl",
                  "created_at": "2026-11-29T00:00:00Z",
                  "expires_at": "2027-11-29T01:00:00+01:00"
                }
                """.formatted(CHECKSUM);

        PluginManifest manifest = parse(json);

        assertEquals("weather.lookup_2", manifest.name());
        assertEquals("2.1.0-rc.1+build.5", manifest.version());
        assertEquals("Looks up the weather – für alle 🌦", manifest.description());
        assertEquals("Jane Doe <jane@example.com>", manifest.author());
        assertEquals("weather", manifest.engineType());
        assertEquals(Set.of(Capability.NETWORK_ACCESS, Capability.CACHE_ACCESS), manifest.capabilities());
        assertEquals(new Permissions(128, 5000, 3,
                List.of("api.example.com", "*.weather.example.org", "https://10.0.0.1:8443"),
                List.of("cache", "/srv/data/weather"), 2, 600), manifest.permissions());
        assertEquals(CHECKSUM, manifest.checksum());
        assertEquals("ed25519:release-2026:c2lnbmF0dXJl", manifest.signature());
        assertEquals(Instant.parse("2026-11-29T00:00:00Z"), manifest.createdAt());
        assertEquals(Instant.parse("2027-11-29T00:00:00Z"), manifest.expiresAt());
    }

    @Test
    void rejectsMalformedJsonWithLineAndColumn() {
        PluginException e = invalid("{\n  \"name\": \"my-plugin\",\n  \"version\" \"1.0.0\"\n}");

        assertMessage(e, "manifest.json", "not valid JSON", "line 3, column 13");
        assertNull(e.pluginId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\",}",
        "{\"name\": 'my-plugin', \"version\": \"1.0.0\", \"engine_type\": \"openai\"}",
        "{/* comment */ \"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\"}",
        "{name: \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\"}",
        "{\"name\": \"my-plugin\", \"permissions\": {\"max_memory_mb\": 064}}",
        "{\"name\": \"my-plugin\", \"permissions\": {\"max_memory_mb\": NaN}}",
        "{\"name\": \"my-plugin\"",
    })
    void rejectsJsonExtensions(String json) {
        assertInvalid(json, "manifest.json", "not valid JSON at line 1, column");
    }

    @Test
    void rejectsDuplicateTopLevelKeyNamingIt() {
        String json = "{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\","
                + " \"version\": \"2.0.0\"}";

        assertInvalid(json, "version", "duplicate key", "line 1, column");
    }

    @Test
    void rejectsDuplicateKeyInsidePermissionsWithItsPath() {
        String json = "{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\","
                + " \"permissions\": {\"max_memory_mb\": 64, \"max_memory_mb\": 4096}}";

        assertInvalid(json, "permissions.max_memory_mb", "duplicate key");
    }

    @ParameterizedTest
    @ValueSource(strings = {" {}", " {\"name\": \"x\"}", " []", " 1", " \"x\""})
    void rejectsContentAfterTheObject(String trailing) {
        String json = minimal().toString() + trailing;

        assertInvalid(json, "manifest.json", "unexpected content after the manifest's object", "line 1");
    }

    @Test
    void rejectsGarbageAfterTheObject() {
        assertInvalid(minimal().toString() + "\nxyz", "manifest.json", "line 2, column");
    }

    @Test
    void acceptsWhitespaceAfterTheObject() throws PluginException {
        assertEquals("my-plugin", parse(minimal().toString() + "\n\n  \t").name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"my-plugin\"", "42", "null", "true"})
    void rejectsARootThatIsNotAnObject(String json) {
        assertInvalid(json, "manifest.json", "expected a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void rejectsAnEmptyDocument(String json) {
        assertInvalid(json, "manifest.json", "empty");
    }

    @Test
    void acceptsAManifestOfExactly64KiB() throws PluginException {
        String json = minimal().toString();
        String padded = json + " ".repeat(64 * 1024 - json.length());

        assertEquals(64 * 1024, padded.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("my-plugin", parse(padded).name());
    }

    @Test
    void rejectsAManifestLargerThan64KiB() {
        String json = minimal().toString();
        String padded = json + " ".repeat(64 * 1024 + 1 - json.length());

        assertInvalid(padded, "manifest.json", "65537 bytes", "at most 65536 bytes (64 KiB)");
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] json = "{\"name\": \"my-plugin\", \"description\": \"caf\u00e9\"}"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertMessage(invalid(json), "manifest.json", "not valid UTF-8 at byte offset 41");
    }

    @Test
    void ignoresAUtf8ByteOrderMark() throws PluginException {
        assertEquals("my-plugin", parse("\uFEFF" + minimal()).name());
    }

    @Test
    void rejectsAnUnknownTopLevelFieldSuggestingTheClosest() {
        ObjectNode manifest = minimal();
        manifest.put("engine_tpye", "openai");

        assertInvalid(manifest, "engine_tpye", "unknown field", "did you mean engine_type?",
                "Allowed fields: name, version, description, author, engine_type, capabilities, permissions,"
                        + " checksum, signature, created_at, expires_at");
    }

    @Test
    void suggestsTheSnakeCaseNameForACamelCaseField() {
        ObjectNode manifest = minimal();
        manifest.put("expiresAt", "2027-01-01T00:00:00Z");

        assertInvalid(manifest, "expiresAt", "did you mean expires_at?");
    }

    @Test
    void listsTheAllowedFieldsWhenNothingIsClose() {
        ObjectNode manifest = minimal();
        manifest.put("homepage", "https://example.com");

        PluginException e = assertInvalid(manifest, "homepage", "unknown field; allowed fields: name, version");
        assertFalse(e.getMessage().contains("did you mean"));
    }

    @Test
    void rejectsAnUnknownPermissionFieldSuggestingTheClosest() {
        ObjectNode manifest = Manifests.withPermission("max_memmory_mb", Manifests.node("4096"));

        assertInvalid(manifest, "permissions.max_memmory_mb", "unknown field", "did you mean max_memory_mb?",
                "max_memory_mb, max_execution_time_ms, max_network_requests, allowed_hosts,"
                        + " allowed_file_paths, max_file_size_mb, rate_limit_requests_per_minute");
    }

    @Test
    void showsAnOddUnknownKeyQuotedAndEscaped() {
        String json = "{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\","
                + " \"permissions\": {\"evil\\nkey\": 1}}";

        assertInvalid(json, "permissions[\"evil\\u000Akey\"]", "unknown field");
    }

    @Test
    void reportsUnknownFieldsBeforeMissingOnes() {
        ObjectNode manifest = Manifests.JSON.createObjectNode();
        manifest.put("nmae", "my-plugin");

        assertInvalid(manifest, "nmae", "did you mean name?");
    }

    @Test
    void errorsNameThePluginOnceItsNameIsValid() {
        ObjectNode manifest = minimal();
        manifest.put("version", "1.0");

        assertEquals("my-plugin", invalid(manifest).pluginId());
    }

    @Test
    void errorsNameNoPluginWhileTheNameIsInvalid() {
        ObjectNode manifest = minimal();
        manifest.put("name", "My Plugin");
        manifest.put("version", "1.0");

        assertNull(invalid(manifest).pluginId());
    }

    @Test
    void messagesAreOneLineWithCodeFirst() {
        PluginException e = invalid("{\"name\": \"a\nb\"}");

        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.toString().startsWith("MANIFEST_INVALID: manifest.json: "), e.toString());
    }
}
