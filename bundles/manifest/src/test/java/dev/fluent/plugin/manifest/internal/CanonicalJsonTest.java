package dev.fluent.plugin.manifest.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 canonical JSON, and the signed content the parser derives with it. */
class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String canonical(String json) throws Exception {
        return new String(CanonicalJson.write(JSON.readTree(json)), StandardCharsets.UTF_8);
    }

    private static String signedContent(String manifest) throws PluginException {
        return new String(new JsonManifestParser().signedContent(manifest.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    /** The IEEE 754 test values of RFC 8785, appendix B. */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2",
    })
    void writesTheNumbersOfRfc8785AppendixB(String bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertEquals(expected, CanonicalJson.number(value));
    }

    @Test
    void writesIntegersAsEcmaScriptDoes() throws Exception {
        assertEquals("[0,-1,64,3600000,9007199254740992,9007199254740992,1152921504606847000,1e+21,1e+30]",
                canonical("[-0, -1, 64, 3600000, 9007199254740992, 9007199254740993, 1152921504606846976,"
                        + " 1000000000000000000000, 1000000000000000000000000000000]"));
    }

    @Test
    void refusesAnIntegerTooLargeForADouble() {
        String huge = BigInteger.TEN.pow(400).toString();
        assertThrows(IllegalArgumentException.class, () -> canonical("[" + huge + "]"));
    }

    @Test
    void sortsMembersByUtf16CodeUnitsAtEveryLevel() throws Exception {
        // RFC 8785 section 3.2.3's example: U+20AC, U+00E9 and a surrogate pair sort by code unit, not code point
        assertEquals("{\"\\r\":1,\"1\":2,\"\u0080\":3,\"\u00f6\":4,\"\u20ac\":5,\"\ud83d\ude00\":6,\"\ufb33\":7}",
                canonical("{\"\u20ac\":5,\"\\r\":1,\"\ufb33\":7,\"1\":2,\"\ud83d\ude00\":6,\"\u0080\":3,\"\u00f6\":4}"));
        assertEquals("{\"a\":{\"b\":[{\"c\":1,\"d\":2}],\"c\":true},\"b\":null}",
                canonical("{ \"b\" : null, \"a\" : { \"c\" : true, \"b\" : [ { \"d\" : 2, \"c\" : 1 } ] } }"));
    }

    @Test
    void escapesOnlyWhatJsonRequires() throws Exception {
        assertEquals("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\u007f\u2028é😀\"",
                canonical("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\\/\\u007f\\u2028\\u00e9\\ud83d\\ude00\""));
    }

    @Test
    void signedContentIsTheCanonicalManifestWithoutItsSignature() throws PluginException {
        String manifest = """
                {
                  "version": "1.0.0",
                  "name": "my-plugin",
                  "engine_type": "openai",
                  "signature": "ed25519:key:c2lnbmF0dXJl",
                  "permissions": { "max_memory_mb": 64, "allowed_hosts": ["api.example.com"] },
                  "description": "caf\\u00e9"
                }
                """;
        assertEquals("{\"description\":\"café\",\"engine_type\":\"openai\",\"name\":\"my-plugin\","
                + "\"permissions\":{\"allowed_hosts\":[\"api.example.com\"],\"max_memory_mb\":64},"
                + "\"version\":\"1.0.0\"}", signedContent(manifest));
    }

    @Test
    void signedContentIgnoresFormattingAndFieldOrder() throws PluginException {
        String compact = "{\"name\":\"p\",\"version\":\"1.0.0\",\"engine_type\":\"e\",\"capabilities\":[\"LoggingAccess\"]}";
        String reformatted = "{\n  \"capabilities\" : [ \"Logging\\u0041ccess\" ],\r\n\t\"engine_type\":\"e\","
                + "\"version\":\"1.0.0\", \"name\":\"p\", \"signature\": null }";
        assertArrayEquals(signedContent(compact).getBytes(StandardCharsets.UTF_8),
                signedContent(reformatted).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signedContentRefusesDuplicateKeysLikeParse() {
        String manifest = "{\"name\":\"p\",\"version\":\"1.0.0\",\"engine_type\":\"e\","
                + "\"capabilities\":[],\"capabilities\":[\"NetworkAccess\"]}";
        PluginException e = assertThrows(PluginException.class, () -> signedContent(manifest));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertTrue(e.getMessage().contains("duplicate key"), e.getMessage());
    }

    @Test
    void signedContentRefusesNumberFormattingTricksLikeParse() {
        for (String memory : new String[] {"16.0", "1.6e1", "16e0", "\"16\""}) {
            String manifest = "{\"name\":\"p\",\"version\":\"1.0.0\",\"engine_type\":\"e\","
                    + "\"permissions\":{\"max_memory_mb\":" + memory + "}}";
            PluginException e = assertThrows(PluginException.class, () -> signedContent(manifest), memory);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
            assertTrue(e.getMessage().startsWith("permissions.max_memory_mb"), e.getMessage());
        }
    }

    @Test
    void signedContentRefusesWhatParseRefuses() {
        PluginException e = assertThrows(PluginException.class,
                () -> signedContent("{\"name\":\"p\",\"version\":\"1.0.0\",\"engine_type\":\"e\",\"extra\":1}"));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertTrue(e.getMessage().startsWith("extra: unknown field"), e.getMessage());
    }
}
