package dev.fluent.plugin.runtime.internal.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AbiTest {

    private static EngineResponse decode(String json) throws PluginException {
        return Abi.decodeResponse("p", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesAFullResponse() throws Exception {
        EngineResponse r = decode("{\"content\":\"hi\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3},\"model\":\"m\",\"finish_reason\":\"stop\",\"cost\":{\"prompt_cost\":0.5,"
                + "\"completion_cost\":0.25,\"total_cost\":0.75},\"future_field\":true}");
        assertEquals("hi", r.content());
        assertEquals(new EngineResponse.Usage(1, 2, 3), r.usage());
        assertEquals("m", r.model());
        assertEquals("stop", r.finishReason());
        assertEquals(new EngineResponse.Cost(0.5, 0.25, 0.75), r.cost());
    }

    /** A response frame is decoded where it lies in the plugin's memory, the kits' form and any other alike. */
    @Test
    void decodesAFrameInPlaceInThePluginsMemory() throws Exception {
        PluginMemory memory = new PluginMemory(new com.dylibso.chicory.wasm.types.MemoryLimits(1, 2), 2);
        String kit = "{\"content\":\"hi\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},"
                + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}";
        String other = "{ \"content\": \"caf\u00e9\" }";
        int addr = 100;
        for (String json : new String[] {kit, other}) {
            byte[] frame = json.getBytes(StandardCharsets.UTF_8);
            addr += 1_000;
            memory.write(addr, frame);
            assertEquals(decode(json), Abi.decodeResponse("p", memory, addr, frame.length));
        }
    }

    @Test
    void fillsDefaultsForOptionalFields() throws Exception {
        EngineResponse r = decode("{\"content\":\"\"}");
        assertEquals(EngineResponse.Usage.NONE, r.usage());
        assertEquals("", r.model());
        assertNull(r.finishReason());
    }

    @Test
    void turnsAnErrorFrameIntoThePluginsError() {
        PluginException e = assertThrows(PluginException.class,
                () -> decode("{\"error\":{\"code\":\"NOPE\",\"message\":\"no can do\"}}"));
        assertEquals(ErrorCode.PLUGIN_ERROR, e.code());
        assertEquals("NOPE", e.pluginCode());
    }

    @Test
    void aPluginCannotForgeOutputThroughItsErrorCodeOrMessage() {
        PluginException e = assertThrows(PluginException.class, () -> decode(
                "{\"error\":{\"code\":\"OK\\u001b[2J\",\"message\":\"done\\r\\nERROR forged \\u202eline\"}}"));
        assertEquals(ErrorCode.PLUGIN_ERROR, e.code());
        assertEquals("INVALID_CODE", e.pluginCode());
        assertEquals("the plugin answered with error INVALID_CODE: done\\u000d\\u000aERROR forged \\u202eline",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "[]", "42", "{}", "{\"content\":5}", "{\"content\":\"x\",\"usage\":[]}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":-1}}", "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1.5}}",
        "{\"content\":\"x\",\"cost\":{\"total_cost\":\"free\"}}", "{\"content\":\"x\",\"model\":7}",
        "{\"error\":\"boom\"}", "{\"error\":{\"code\":1,\"message\":\"m\"}}", "{\"content\":\"x\"} trailing",
        "{\"content\":\"x\",\"content\":\"y\"}", "{\"content\":\"x\",\"usage\":{\"total_tokens\":1,\"total_tokens\":2}}",
        "{\"content\":\"x\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"a\":10}",
        "{\"content\":\"x\",\"usage\":{\"total_tokens\":99999999999999999999}}", "{\"content\":\"x\",\"finish_reason\":[]}",
        "{\"content\":\"x\",\"cost\":7}", "{\"content\":\"x\",\"unknown\":{\"open\":", "{\"content\":null}"
    })
    void refusesMalformedFrames(String frame) {
        PluginException e = assertThrows(PluginException.class, () -> decode(frame));
        assertEquals(ErrorCode.BAD_RESPONSE, e.code(), e::toString);
    }

    @Test
    void anErrorMemberWinsWhereverItStands() {
        PluginException e = assertThrows(PluginException.class,
                () -> decode("{\"content\":5,\"usage\":[],\"error\":{\"code\":\"LATE\",\"message\":\"m\"}}"));
        assertEquals(ErrorCode.PLUGIN_ERROR, e.code());
        assertEquals("LATE", e.pluginCode());
    }

    @Test
    void ignoresMembersItDoesNotKnowAndTakesWholeNumbersWrittenAsDecimals() throws Exception {
        EngineResponse r = decode("{\"extra\":{\"deep\":[1,{\"x\":null}]},\"content\":\"hi\",\"error\":null,"
                + "\"usage\":{\"prompt_tokens\":2.0,\"other\":true},\"cost\":{\"total_cost\":3},\"model\":null}");
        assertEquals("hi", r.content());
        assertEquals(new EngineResponse.Usage(2, 0, 0), r.usage());
        assertEquals(new EngineResponse.Cost(0, 0, 3), r.cost());
        assertEquals("", r.model());
    }

    @Test
    void refusesAFrameThatIsNotUtf8() {
        byte[] frame = {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        PluginException e = assertThrows(PluginException.class, () -> Abi.decodeResponse("p", frame));
        assertEquals(ErrorCode.BAD_RESPONSE, e.code());
    }

    @Test
    void clipsAHugeErrorMessage() {
        String huge = "x".repeat(100_000);
        PluginException e = assertThrows(PluginException.class,
                () -> decode("{\"error\":{\"code\":\"C\",\"message\":\"" + huge + "\"}}"));
        assertTrue(e.getMessage().length() < 3_000);
    }

    @Test
    void encodesTheRequestWithItsId() throws Exception {
        String json = new String(Abi.encodeRequest("p", new EngineRequest("flow", "pay\"load"), "r1"),
                StandardCharsets.UTF_8);
        assertEquals("{\"flowname\":\"flow\",\"payload\":\"pay\\\"load\",\"request_id\":\"r1\"}", json);
    }

    @Test
    void refusesARequestAboveTheAbiLimit() {
        String payload = "x".repeat(Abi.MAX_REQUEST_BYTES);
        PluginException e = assertThrows(PluginException.class,
                () -> Abi.encodeRequest("p", EngineRequest.of(payload), "r"));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
}
