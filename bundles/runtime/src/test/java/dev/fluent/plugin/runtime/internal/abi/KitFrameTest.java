package dev.fluent.plugin.runtime.internal.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kits' frame read without Jackson must answer exactly what Jackson's reading answers, and leave
 * everything else (malformed, or merely written differently) to it. Each frame here goes through both:
 * {@link Abi#decodeResponse} (the fast reading first) and {@link Abi#decodeAnyFrame} (Jackson only) must
 * give equal responses, or the same error code and message.
 */
class KitFrameTest {

    private static final String ECHO = "{\"content\":\"The quick brown fox jumps over the lazy dog; pack my box with"
            + " five dozen liquor jugs. 0123456789\",\"usage\":{\"prompt_tokens\":18,\"completion_tokens\":18,"
            + "\"total_tokens\":36},\"model\":\"echo\",\"finish_reason\":\"stop\",\"cost\":{\"prompt_cost\":0.0,"
            + "\"completion_cost\":0.0,\"total_cost\":0.0}}";

    @Test
    void readsTheFrameTheKitsWrite() {
        EngineResponse r = KitFrame.read(bytes(ECHO));
        assertNotNull(r);
        assertEquals(new EngineResponse("The quick brown fox jumps over the lazy dog; pack my box with five dozen"
                + " liquor jugs. 0123456789", new EngineResponse.Usage(18, 18, 36), "echo", "stop",
                new EngineResponse.Cost(0, 0, 0)), r);
        assertSame(ECHO);
    }

    @Test
    void readsItWithoutModelOrFinishReason() {
        String bare = "{\"content\":\"\",\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0},"
                + "\"cost\":{\"prompt_cost\":1.5,\"completion_cost\":0.25,\"total_cost\":1.75}}";
        EngineResponse r = KitFrame.read(bytes(bare));
        assertNotNull(r);
        assertEquals("", r.model());
        assertNull(r.finishReason());
        assertEquals(new EngineResponse.Cost(1.5, 0.25, 1.75), r.cost());
        assertSame(bare);
        assertNotNull(KitFrame.read(bytes(ECHO.replace(",\"model\":\"echo\"", ""))));
        assertNotNull(KitFrame.read(bytes(ECHO.replace(",\"finish_reason\":\"stop\"", ""))));
    }

    /** Frames outside the form: left to Jackson, which answers or refuses them as before. */
    @ParameterizedTest
    @ValueSource(strings = {
        "", "{", "{}", "[]", "null", " " + ECHO, ECHO + " ", ECHO + "x", ECHO + "{}",
        "{\"content\":\"a\\nb\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"caf\u00e9\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1.0,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":01,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":9999999999999999999,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":1e3,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":-0.0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":1.,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0.1234567890123456,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"model\":null,\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"finish_reason\":\"a\",\"model\":\"m\",\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"model\":\"m\",\"model\":\"n\",\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0},\"error\":{\"code\":\"E\",\"message\":\"m\"}}",
        "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
            + "\"cost\":{\"prompt_cost\":0,\"completion_cost\":0,\"total_cost\":0}",
    })
    void leavesEverythingElseToJackson(String frame) {
        assertNull(KitFrame.read(bytes(frame)), frame);
        assertSame(frame);
    }

    @Test
    void neverTakesATruncatedOrAlteredFrame() {
        byte[] echo = bytes(ECHO);
        for (int end = 0; end < echo.length; end++) {
            byte[] cut = java.util.Arrays.copyOf(echo, end);
            assertNull(KitFrame.read(cut), () -> new String(cut, StandardCharsets.ISO_8859_1));
            assertSame(cut);
        }
        byte[] others = {0, '\t', '\n', ' ', '"', '\\', '0', '9', '-', '.', 'e', ',', '}', '{', ':', (byte) 0x80,
            (byte) 0xC3, (byte) 0xFF, 0x7F};
        for (int i = 0; i < echo.length; i++) {
            for (byte o : others) {
                byte[] altered = echo.clone();
                altered[i] = o;
                assertSame(altered);
            }
        }
    }

    /**
     * A frame read where it lies in a larger array (the plugin's memory) answers as its copy does, whatever the
     * bytes around it, and nothing past its end is read: every shorter length is refused.
     */
    @Test
    void readsAFrameInPlaceAndNothingPastItsEnd() {
        byte[] echo = bytes(ECHO);
        for (int offset : new int[] {0, 1, 7, 8, 13}) {
            for (byte around : new byte[] {0, '"', '}', 'x', (byte) 0xFF}) {
                byte[] memory = new byte[offset + echo.length + 16];
                java.util.Arrays.fill(memory, around);
                System.arraycopy(echo, 0, memory, offset, echo.length);
                assertEquals(KitFrame.read(echo), KitFrame.read(memory, offset, echo.length));
                for (int length = 0; length < echo.length; length++) {
                    assertNull(KitFrame.read(memory, offset, length), "length " + length);
                }
            }
        }
    }

    /**
     * The test of eight bytes at a time flags a word exactly when one of its bytes is not plain text: every byte
     * value at every position among plain ones, and random words mixing all kinds of bytes.
     */
    @Test
    void flagsAWordExactlyWhenAByteIsNotPlain() {
        for (int position = 0; position < Long.BYTES; position++) {
            for (int value = 0; value < 256; value++) {
                byte[] word = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
                word[position] = (byte) value;
                assertEquals(!plain(value), KitFrame.special(word(word)), "byte " + value + " at " + position);
            }
        }
        byte[] kinds = {0, 0x1F, 0x20, '"', '\\', '!', '#', '[', ']', 0x7E, 0x7F, (byte) 0x80, (byte) 0xA2,
            (byte) 0xDC, (byte) 0xFF, 0x01, 0x21, 0x23, 0x5B, 0x5D};
        Random random = new Random(11);
        for (int n = 0; n < 200_000; n++) {
            byte[] word = new byte[Long.BYTES];
            boolean anyNotPlain = false;
            for (int i = 0; i < word.length; i++) {
                word[i] = random.nextInt(3) == 0 ? kinds[random.nextInt(kinds.length)] : (byte) random.nextInt(256);
                anyNotPlain |= !plain(word[i] & 0xFF);
            }
            assertEquals(anyNotPlain, KitFrame.special(word(word)), java.util.Arrays.toString(word));
        }
    }

    private static boolean plain(int value) {
        return value >= 0x20 && value < 0x80 && value != '"' && value != '\\';
    }

    private static long word(byte[] bytes) {
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Amounts computed as digits over a power of ten are the doubles {@code Double.parseDouble} gives. */
    @Test
    void computesAmountsExactlyAsParseDoubleDoes() {
        Random random = new Random(42);
        for (int n = 0; n < 100_000; n++) {
            int digits = 1 + random.nextInt(15);
            int fraction = random.nextInt(digits);
            StringBuilder number = new StringBuilder();
            number.append(1 + random.nextInt(9));
            for (int d = 1; d < digits; d++) {
                number.append(random.nextInt(10));
            }
            String text = fraction == 0 ? number.toString()
                    : number.substring(0, digits - fraction) + "." + number.substring(digits - fraction);
            if (random.nextInt(4) == 0) {
                text = "0." + number.substring(0, Math.min(digits, 14));
            }
            EngineResponse r = KitFrame.read(bytes(frameWithCost(text)));
            assertNotNull(r, text);
            assertEquals(Double.parseDouble(text), r.cost().promptCost(), text);
        }
    }

    /**
     * Random frames built from the kits' parts and their near misses: well-formed, out of order, with strings
     * and numbers that are and are not in the form, duplicated and missing members, white space. Both readers
     * must agree on every one, and the fast one must have taken a good share.
     */
    @Test
    void agreesWithJacksonOnRandomFrames() {
        Random random = new Random(7);
        int taken = 0;
        int frames = 40_000;
        for (int n = 0; n < frames; n++) {
            String frame = randomFrame(random);
            if (KitFrame.read(bytes(frame)) != null) {
                taken++;
            }
            assertSame(frame);
        }
        assertTrue(taken > frames / 20, "the fast reading took only " + taken + " of " + frames);
        assertTrue(taken < frames, "the fast reading took every frame, near misses too");
    }

    private static final String[] STRINGS = {"\"\"", "\"x\"", "\"hello world\"", "\"~\u007f\"", "\"a\\\"b\"",
        "\"\\u0041\"", "\"tab\there\"", "\"caf\u00e9\"", "\"\\ud83d\\ude00\"", "null", "7", "\"unterminated", "[]",
        "{}", "\"\\x\"", "\"\\\\\"", "\"</script>\""};
    private static final String[] COUNTS = {"0", "1", "18", "36", "123456789012345678", "1234567890123456789",
        "9223372036854775807", "9223372036854775808", "00", "01", "-1", "-0", "1.0", "2.5", "1e2", "1E+2", "null",
        "\"1\"", "99999999999999999999999", "0.0"};
    private static final String[] AMOUNTS = {"0", "0.0", "1.5", "0.25", "123456789012345", "1234567890123456",
        "0.000001", "0.1", "0.3", "2.675", "1.", ".5", "-0.0", "-1", "1e-7", "1E3", "00.1", "0.1234567890123456",
        "999999999999999.9", "1e400", "null", "\"0\"", "007"};

    private static String randomFrame(Random r) {
        List<String> members = new ArrayList<>();
        members.add("\"content\":" + pick(r, STRINGS, 0.8, "\"The quick brown fox\""));
        members.add("\"usage\":{\"prompt_tokens\":" + pick(r, COUNTS, 0.7, "18") + ",\"completion_tokens\":"
                + pick(r, COUNTS, 0.7, "18") + ",\"total_tokens\":" + pick(r, COUNTS, 0.7, "36") + "}");
        if (r.nextBoolean()) {
            members.add("\"model\":" + pick(r, STRINGS, 0.8, "\"echo\""));
        }
        if (r.nextBoolean()) {
            members.add("\"finish_reason\":" + pick(r, STRINGS, 0.8, "\"stop\""));
        }
        members.add("\"cost\":{\"prompt_cost\":" + pick(r, AMOUNTS, 0.6, "0.0") + ",\"completion_cost\":"
                + pick(r, AMOUNTS, 0.7, "0.0") + ",\"total_cost\":" + pick(r, AMOUNTS, 0.7, "0.0") + "}");
        switch (r.nextInt(12)) {
            case 0 -> java.util.Collections.swap(members, 0, members.size() - 1);
            case 1 -> members.add(members.get(r.nextInt(members.size())));
            case 2 -> members.remove(r.nextInt(members.size()));
            case 3 -> members.add(r.nextInt(members.size() + 1), "\"extra\":{\"deep\":[1,2,{\"x\":null}]}");
            case 4 -> members.add(r.nextInt(members.size() + 1), "\"error\":{\"code\":\"E_1\",\"message\":\"no\"}");
            case 5 -> members.add(r.nextInt(members.size() + 1), "\"error\":null");
            default -> {
                // as the kits write it
            }
        }
        String frame = "{" + String.join(",", members) + "}";
        if (r.nextInt(10) == 0) {
            int at = r.nextInt(frame.length() + 1);
            frame = frame.substring(0, at) + " \n\t".charAt(r.nextInt(3)) + frame.substring(at);
        }
        if (r.nextInt(20) == 0) {
            frame = frame.substring(0, r.nextInt(frame.length()));
        }
        return frame;
    }

    private static String pick(Random r, String[] choices, double usual, String usualValue) {
        return r.nextDouble() < usual ? usualValue : choices[r.nextInt(choices.length)];
    }

    private static String frameWithCost(String promptCost) {
        return "{\"content\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},"
                + "\"cost\":{\"prompt_cost\":" + promptCost + ",\"completion_cost\":0,\"total_cost\":0}}";
    }

    private static void assertSame(String frame) {
        assertSame(bytes(frame));
    }

    /** Both readings of {@code frame}: the same response, or the same error. */
    private static void assertSame(byte[] frame) {
        String shown = new String(frame, StandardCharsets.UTF_8);
        EngineResponse fast = null;
        PluginException fastError = null;
        try {
            fast = Abi.decodeResponse("p", frame);
        } catch (PluginException e) {
            fastError = e;
        } catch (RuntimeException e) {
            fail("the reading threw " + e + " on " + shown);
        }
        try {
            EngineResponse general = Abi.decodeAnyFrame("p", frame);
            assertNull(fastError, () -> "only the fast reading refused " + shown);
            assertEquals(general, fast, shown);
        } catch (PluginException e) {
            assertNotNull(fastError, () -> "only Jackson refused " + shown + ": " + e);
            assertEquals(e.code(), fastError.code(), shown);
            assertEquals(e.getMessage(), fastError.getMessage(), shown);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
