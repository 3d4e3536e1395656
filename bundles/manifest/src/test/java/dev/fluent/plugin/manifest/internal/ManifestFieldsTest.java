package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.node;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** name, version, engine_type, description, author, checksum, signature. */
class ManifestFieldsTest {

    private static final String CHECKSUM = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static ObjectNode with(String field, String json) {
        ObjectNode manifest = minimal();
        manifest.set(field, node(json));
        return manifest;
    }

    private static ObjectNode without(String field) {
        ObjectNode manifest = minimal();
        manifest.remove(field);
        return manifest;
    }

    // required fields

    @ParameterizedTest
    @ValueSource(strings = {"name", "version", "engine_type"})
    void rejectsAMissingRequiredField(String field) {
        assertInvalid(without(field), field, "missing", "name, version and engine_type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "version", "engine_type"})
    void rejectsNullForARequiredField(String field) {
        assertInvalid(with(field, "null"), field, "expected", "got null");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "name        | 42        | got 42",
        "version     | 1.0       | got 1.0",
        "engine_type | [\"a\"]   | got a list",
        "name        | {}        | got an object",
        "version     | true      | got true",
    })
    void rejectsARequiredFieldThatIsNotAString(String field, String json, String got) {
        assertInvalid(with(field, json), field, "expected", got);
    }

    // name

    @ParameterizedTest
    @ValueSource(strings = {"a", "my-plugin", "my_plugin", "my.plugin", "0day", "a1.b2-c3_d4",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"})
    void acceptsAValidName(String name) throws PluginException {
        assertEquals(name, parse(with("name", Manifests.JSON.valueToTree(name).toString())).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "My-Plugin", "my plugin", "-plugin", ".plugin", "_plugin", "..", "my/plugin",
        "plügin", "my:plugin",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"})
    void rejectsAnInvalidName(String name) {
        assertInvalid(with("name", Manifests.JSON.valueToTree(name).toString()), "name",
                "expected a plugin id of 1-64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }

    // version

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0", "1.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
        "1.0.0-x.7.z.92", "1.0.0-x-y-z.--", "1.0.0-alpha+001", "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD", "1.0.0-0a", "1.0.0-a0",
        "1.0.0-rc.1+build.1.0", "99999999999999999999.0.0"})
    void acceptsASemanticVersion(String version) throws PluginException {
        assertEquals(version, parse(with("version", "\"" + version + "\"")).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "1.0.0.0", "01.0.0", "1.02.0", "1.0.03", "1.0.0-01", "1.0.0-alpha.01",
        "1.0.0-", "1.0.0+", "1.0.0-alpha..1", "1.0.0+build..1", "1.0.0-al_pha", "1.0.0+bu!ld", " 1.0.0",
        "1.0.0 ", "1.0.0-α", "a.b.c", "-1.0.0", "1.0.0-+build"})
    void rejectsAVersionThatIsNotSemver(String version) {
        assertInvalid(with("version", Manifests.JSON.valueToTree(version).toString()), "version",
                "expected a semantic version 2.0");
    }

    @Test
    void suggestsDroppingALeadingV() {
        assertInvalid(with("version", "\"v1.2.3\""), "version", "leave out the leading v");
    }

    @Test
    void rejectsAVersionLongerThan128Characters() {
        String version = "1.0.0-" + "a".repeat(123);
        assertInvalid(with("version", "\"" + version + "\""), "version", "129 characters", "at most 128");
    }

    // engine_type

    @ParameterizedTest
    @ValueSource(strings = {"openai", "a", "anthropic_v2", "local-llm", "x0"})
    void acceptsAnEngineTypeIdentifier(String engineType) throws PluginException {
        assertEquals(engineType, parse(with("engine_type", "\"" + engineType + "\"")).engineType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "OpenAI", "0penai", "_openai", "-openai", "open.ai", "open ai",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"})
    void rejectsAnEngineTypeThatIsNotAnIdentifier(String engineType) {
        assertInvalid(with("engine_type", "\"" + engineType + "\""), "engine_type",
                "expected an identifier of 1-64 characters");
    }

    // description and author

    @Test
    void acceptsADescriptionOf1024Characters() throws PluginException {
        String text = "é".repeat(1024);
        assertEquals(text, parse(with("description", "\"" + text + "\"")).description());
    }

    @Test
    void countsCharactersNotUtf16UnitsInADescription() throws PluginException {
        String text = "🌦".repeat(1024);
        assertEquals(text, parse(with("description", "\"" + text + "\"")).description());
    }

    @Test
    void rejectsADescriptionLongerThan1024Characters() {
        assertInvalid(with("description", "\"" + "x".repeat(1025) + "\""), "description",
                "1025 characters; at most 1024");
    }

    @Test
    void acceptsAnAuthorOf256Characters() throws PluginException {
        String text = "y".repeat(256);
        assertEquals(text, parse(with("author", "\"" + text + "\"")).author());
    }

    @Test
    void rejectsAnAuthorLongerThan256Characters() {
        assertInvalid(with("author", "\"" + "y".repeat(257) + "\""), "author", "257 characters; at most 256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"description", "author"})
    void acceptsAnEmptyText(String field) throws PluginException {
        parse(with(field, "\"\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "description | 42   | expected text of at most 1024 characters, got 42",
        "author      | null | expected text of at most 256 characters, got null; leave the field out instead",
        "author      | []   | got a list",
    })
    void rejectsTextOfTheWrongType(String field, String json, String message) {
        assertInvalid(with(field, json), field, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "two\\nlines          | the control character U+000A",
        "nul\\u0000           | the control character U+0000",
        "esc\\u001b[31mred    | the control character U+001B",
        "c1\\u0085            | the control character U+0085",
        "rtl\\u202Eoverride   | the bidirectional control character U+202E",
        "isolate\\u2066x      | the bidirectional control character U+2066",
        "lone\\ud800          | an unpaired surrogate U+D800",
        "lone\\udc00low       | an unpaired surrogate U+DC00",
    })
    void rejectsTextWithControlCharacters(String escaped, String problem) {
        assertInvalid("{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\": \"openai\","
                + " \"description\": \"" + escaped + "\"}", "description", problem);
    }

    @Test
    void escapesControlCharactersItQuotes() {
        PluginException e = assertInvalid("{\"name\": \"my-plugin\", \"version\": \"1.0.0\", \"engine_type\":"
                + " \"openai\", \"author\": \"a\\u001b[2Jb\"}", "author", "\"a\\u001B[2Jb\"");
        assertEquals(-1, e.getMessage().indexOf('\u001b'));
    }

    // checksum

    @Test
    void acceptsASha256Checksum() throws PluginException {
        assertEquals(CHECKSUM, parse(with("checksum", "\"" + CHECKSUM + "\"")).checksum());
    }

    @Test
    void leavesTheChecksumNullWhenAbsent() throws PluginException {
        assertNull(parse(minimal()).checksum());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
        "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})
    void rejectsAChecksumThatIsNot64HexDigits(String checksum) {
        assertInvalid(with("checksum", "\"" + checksum + "\""), "checksum",
                "expected 64 lowercase hex digits (the SHA-256 of plugin.wasm)");
    }

    @Test
    void asksForLowerCaseInAnUpperCaseChecksum() {
        assertInvalid(with("checksum", "\"" + CHECKSUM.toUpperCase() + "\""), "checksum",
                "write the hex digits in lower case");
    }

    @Test
    void rejectsNullForTheChecksum() {
        assertInvalid(with("checksum", "null"), "checksum", "got null; leave the field out instead");
    }

    // signature

    @ParameterizedTest
    @ValueSource(strings = {"ed25519:release-2026:c2lnbmF0dXJl", "rsa-pss-sha256:ab12cd34:c2lnbmF0dXJlIQ==",
        "Ed25519:jane@example.com:c2lnbmF0dXJlISE=", "ed25519:k/1+x=:AAAA"})
    void acceptsASignatureOfTheRightShape(String signature) throws PluginException {
        assertEquals(signature, parse(with("signature", "\"" + signature + "\"")).signature());
    }

    @Test
    void rejectsAnEmptySignatureSayingWhatToDo() {
        assertInvalid(with("signature", "\"\""), "signature",
                "empty; remove the field for an unsigned plugin or sign it");
    }

    @Test
    void treatsANullSignatureAsUnsigned() throws PluginException {
        assertNull(parse(with("signature", "null")).signature());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "c2lnbmF0dXJl                         | three parts separated by ':'",
        "ed25519:c2lnbmF0dXJl                 | three parts separated by ':'",
        "ed25519:key:c2ln:bmF0                | three parts separated by ':'",
        ":key:c2lnbmF0dXJl                    | the algorithm part is empty",
        "ed25519::c2lnbmF0dXJl                | the key-id part is empty",
        "ed25519:key:                         | the base64 part is empty",
        "ed 25519:key:c2lnbmF0dXJl            | the algorithm",
        "ed25519:my key:c2lnbmF0dXJl          | the key id",
        "ed25519:key:c2lnbmF0dXJl!            | not padded standard base64",
        "ed25519:key:c2lnbmF0dXJlIQ           | not padded standard base64",
        "ed25519:key:c2lnbmF0dXJl_-           | not padded standard base64",
        "ed25519:key:c2ln bmF0                | not padded standard base64",
    })
    void rejectsASignatureOfTheWrongShape(String signature, String problem) {
        assertInvalid(with("signature", "\"" + signature + "\""), "signature", problem);
    }

    @Test
    void rejectsASignatureThatIsNotAString() {
        assertInvalid(with("signature", "{\"alg\": \"ed25519\"}"), "signature", "got an object");
    }

    @Test
    void rejectsASignatureLongerThan4096Characters() {
        String signature = "ed25519:key:" + "A".repeat(4096);
        assertInvalid(with("signature", "\"" + signature + "\""), "signature", "at most 4096");
    }
}
