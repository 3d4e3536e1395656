package dev.fluent.plugin.runtime.internal.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fluent.plugin.api.EngineRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request is written byte for byte as Jackson's generator writes it, and Jackson reads every string back
 * unchanged, whatever the text holds: quotes, backslashes, control characters, any other character, paired
 * and lone surrogates.
 */
class RequestWriterTest {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void writesWhatJacksonWritesForEveryCharacter() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            all.append(c);
        }
        all.append(Character.MAX_VALUE);
        assertLikeJackson("flow", all.toString(), "r-1");
        assertLikeJackson(null, "", "");
        assertLikeJackson("\"quoted\" \\ flow", "\u0000\u001f\u007f\b\t\n\f\r/", "id\u2028");
    }

    @Test
    void writesWhatJacksonWritesForRandomText() throws Exception {
        Random random = new Random(11);
        String[] pieces = {"a", "\"", "\\", "\n", "\u0001", "\u007f", "\u00e9", "\u07ff", "\u0800", "\uffff",
            "\ud83d\ude00", "\ud83d", "\ude00", " ", "/", "\u2028"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder payload = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                payload.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000)
                        : pieces[random.nextInt(pieces.length)]);
            }
            assertLikeJackson(random.nextBoolean() ? null : "f", payload.toString(), "id-" + n);
        }
    }

    @Test
    void writesPlainTextInOnePassAndLeavesTheRestToTwo() throws Exception {
        String plain = "plain / text ~\u007f {\"not\": json} with 0123456789".replace("\"", "'");
        assertNotNull(RequestWriter.writePlain("f", plain, "r-1", Abi.MAX_REQUEST_BYTES));
        assertNotNull(RequestWriter.writePlain(null, "", "", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "caf\u00e9", "r", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "a\"b", "r", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "a\\b", "r", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "line\n", "r", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("fl\u0000w", "x", "r", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "x", "r\u2028", Abi.MAX_REQUEST_BYTES));
        assertNull(RequestWriter.writePlain("f", "x".repeat(100), "r", 100), "over the limit");
        assertLikeJackson("f", plain, "r-1");
        assertLikeJackson(null, "", "");
    }

    private static void assertLikeJackson(String flowname, String payload, String requestId) throws Exception {
        byte[] ours = Abi.encodeRequest("p", new EngineRequest(flowname, payload), requestId);
        assertArrayEquals(jackson(flowname, payload, requestId), ours, payload);
        try (JsonParser p = JSON.createParser(ours)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            assertEquals("flowname", p.nextFieldName());
            p.nextToken();
            assertEquals(flowname, p.getValueAsString());
            assertEquals("payload", p.nextFieldName());
            assertEquals(payload, p.nextTextValue());
            assertEquals("request_id", p.nextFieldName());
            assertEquals(requestId, p.nextTextValue());
            assertEquals(JsonToken.END_OBJECT, p.nextToken());
        }
    }

    private static byte[] jackson(String flowname, String payload, String requestId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("flowname", flowname);
            g.writeStringField("payload", payload);
            g.writeStringField("request_id", requestId);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    @Test
    void countsTheLengthBeforeWriting() throws Exception {
        String payload = "\u00e9".repeat(1000) + "\n".repeat(10) + "\u0001" + "\ud83d\ude00";
        long length = RequestWriter.length("f", payload, "r");
        assertEquals(2000 + 20 + 6 + 12 + 2 + "{\"flowname\":\"f\",\"payload\":,\"request_id\":\"r\"}".length(), length);
        assertEquals(length, Abi.encodeRequest("p", new EngineRequest("f", payload), "r").length);
    }
}
