package dev.fluent.plugin.runtime.internal.abi;

import dev.fluent.plugin.api.EngineResponse;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A response frame in exactly the form the plugin development kits write an answer, read without a
 * general JSON parser; anything else is left to {@link ResponseReader} (Jackson), which also produces every
 * error. Every execution decodes a frame, and Jackson's tokenizer alone took about half a microsecond for
 * an answer of a few hundred bytes, most of the platform's own time per execution.
 *
 * <p>The form, with no white space anywhere and the frame ending right after it:
 * <pre>{"content":S,"usage":{"prompt_tokens":N,"completion_tokens":N,"total_tokens":N}[,"model":S][,"finish_reason":S],"cost":{"prompt_cost":D,"completion_cost":D,"total_cost":D}}</pre>
 * where S is a string of printable ASCII (U+0020 to U+007F, no escape), N is {@code 0} or a number of
 * at most 18 digits without a leading zero, and D such a number, optionally with a fraction, of at most 15
 * digits in all. Such a frame is valid JSON with no member twice and no error, so Jackson's reading gives
 * the same answer: the strings are the same characters, the counts fit a long, and a D is computed as its
 * digits divided by a power of ten, both exact doubles, which IEEE division rounds correctly, as
 * {@link Double#parseDouble} does. {@code KitFrameTest} checks the two readers agree on a large number of
 * well-formed, malformed and near-miss frames.
 *
 * <p>Anything outside the form (white space, escapes, other characters, other numbers, members in another
 * order, an error frame, bytes after the end) makes {@link #read} answer {@code null}, never throw.
 */
final class KitFrame {

    private static final byte[] CONTENT = ascii("{\"content\":");
    private static final byte[] PROMPT_TOKENS = ascii(",\"usage\":{\"prompt_tokens\":");
    private static final byte[] COMPLETION_TOKENS = ascii(",\"completion_tokens\":");
    private static final byte[] TOTAL_TOKENS = ascii(",\"total_tokens\":");
    private static final byte[] USAGE_END = ascii("}");
    private static final byte[] MODEL = ascii(",\"model\":");
    private static final byte[] FINISH_REASON = ascii(",\"finish_reason\":");
    private static final byte[] PROMPT_COST = ascii(",\"cost\":{\"prompt_cost\":");
    private static final byte[] COMPLETION_COST = ascii(",\"completion_cost\":");
    private static final byte[] TOTAL_COST = ascii(",\"total_cost\":");
    private static final byte[] END = ascii("}}");

    /** The frame read as little-endian words: the JIT compiles a read to one load. */
    private static final VarHandle WORDS = MemoryViews.LONG;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';

    /** Digits a count may have: 18 always fit a long. */
    private static final int MAX_COUNT_DIGITS = 18;
    /** Digits an amount may have: below 10^15 < 2^53 every such integer is an exact double. */
    private static final int MAX_AMOUNT_DIGITS = 15;
    /** 10^0 to 10^15, each an exact double. */
    private static final double[] POWERS_OF_TEN = new double[MAX_AMOUNT_DIGITS + 1];

    static {
        double p = 1;
        for (int i = 0; i <= MAX_AMOUNT_DIGITS; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private final byte[] b;
    private int at;
    /** Where the frame ends in {@link #b}: nothing at or after it is read. */
    private final int end;

    private KitFrame(byte[] bytes, int from, int end) {
        this.b = bytes;
        this.at = from;
        this.end = end;
    }

    /** The answer of a frame in the kits' form, or {@code null} if it is not in that form. */
    static EngineResponse read(byte[] frame) {
        return read(frame, 0, frame.length);
    }

    /** The answer of the frame in {@code bytes[from, from + length)}, or {@code null} if it is not in the form. */
    static EngineResponse read(byte[] bytes, int from, int length) {
        return new KitFrame(bytes, from, from + length).frame();
    }

    private EngineResponse frame() {
        if (!literal(CONTENT)) {
            return null;
        }
        String content = string();
        if (content == null || !literal(PROMPT_TOKENS)) {
            return null;
        }
        long prompt = count();
        if (prompt < 0 || !literal(COMPLETION_TOKENS)) {
            return null;
        }
        long completion = count();
        if (completion < 0 || !literal(TOTAL_TOKENS)) {
            return null;
        }
        long total = count();
        if (total < 0 || !literal(USAGE_END)) {
            return null;
        }
        String model = null;
        if (literal(MODEL) && (model = string()) == null) {
            return null;
        }
        String finishReason = null;
        if (literal(FINISH_REASON) && (finishReason = string()) == null) {
            return null;
        }
        if (!literal(PROMPT_COST)) {
            return null;
        }
        double promptCost = amount();
        if (promptCost < 0 || !literal(COMPLETION_COST)) {
            return null;
        }
        double completionCost = amount();
        if (completionCost < 0 || !literal(TOTAL_COST)) {
            return null;
        }
        double totalCost = amount();
        if (totalCost < 0 || !literal(END) || at != end) {
            return null;
        }
        return new EngineResponse(content, new EngineResponse.Usage(prompt, completion, total), model, finishReason,
                new EngineResponse.Cost(promptCost, completionCost, totalCost));
    }

    /** Steps over {@code expected} if the frame holds it here. */
    private boolean literal(byte[] expected) {
        int n = expected.length;
        if (end - at < n) {
            return false;
        }
        if (n < Long.BYTES) {
            // A plain loop: Arrays.equals's range checks and call cost more than these few bytes.
            for (int i = 0; i < n; i++) {
                if (b[at + i] != expected[i]) {
                    return false;
                }
            }
        } else {
            // Eight bytes at a time, the last word overlapping the one before it when the length is no multiple.
            for (int i = 0; i < n; i += Long.BYTES) {
                int from = Math.min(i, n - Long.BYTES);
                if ((long) WORDS.get(b, at + from) != (long) WORDS.get(expected, from)) {
                    return false;
                }
            }
        }
        at += n;
        return true;
    }

    /** A string of printable ASCII without escapes, or {@code null}. */
    private String string() {
        if (at >= end || b[at] != '"') {
            return null;
        }
        int start = at + 1;
        int i = start;
        // Past eight plain bytes at a time; the word that holds the closing quote, or anything else, is read
        // byte by byte below.
        for (int last = end - Long.BYTES; i <= last && !special((long) WORDS.get(b, i)); i += Long.BYTES) {
            // plain text
        }
        for (; i < end; i++) {
            int c = b[i]; // signed: every byte of 0x80 and above is negative
            if (c == '"') {
                at = i + 1;
                return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (c < 0x20 || c == '\\') {
                return null;
            }
        }
        return null;
    }

    /**
     * Whether any of the eight bytes is not plain text: at or above 0x80, below 0x20, a quote or a backslash.
     * Exact when no byte is at or above 0x80, which the first term catches; a word it flags is read byte by byte,
     * so a false alarm would only cost time.
     */
    static boolean special(long word) {
        return ((word & HIGH_BITS) | below(word, 0x20) | zeroByte(word ^ QUOTES) | zeroByte(word ^ BACKSLASHES)) != 0;
    }

    /** The high bit of each byte below {@code n} (at most 0x80), for a word without high bits. */
    private static long below(long word, int n) {
        return (word - ONES * n) & ~word & HIGH_BITS;
    }

    private static long zeroByte(long word) {
        return below(word, 1);
    }

    /** {@code 0} or up to 18 digits without a leading zero, or -1. What follows is checked by the caller. */
    private long count() {
        int start = at;
        long n = 0;
        int i = start;
        while (i < end && i - start < MAX_COUNT_DIGITS + 1 && isDigit(b[i])) {
            n = n * 10 + (b[i] - '0');
            i++;
        }
        int digits = i - start;
        if (digits == 0 || digits > MAX_COUNT_DIGITS || (digits > 1 && b[start] == '0')) {
            return -1;
        }
        at = i;
        return n;
    }

    /**
     * {@code 0} or digits without a leading zero, optionally {@code .} and digits, at most 15 digits in all;
     * else -1. What follows (no exponent, no further digit) is checked by the caller.
     */
    private double amount() {
        int i = at;
        long mantissa = 0;
        int digits = 0;
        int integerStart = i;
        while (i < end && isDigit(b[i]) && digits <= MAX_AMOUNT_DIGITS) {
            mantissa = mantissa * 10 + (b[i] - '0');
            digits++;
            i++;
        }
        int integerDigits = i - integerStart;
        if (integerDigits == 0 || (integerDigits > 1 && b[integerStart] == '0')) {
            return -1;
        }
        int fractionDigits = 0;
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && isDigit(b[i]) && digits <= MAX_AMOUNT_DIGITS) {
                mantissa = mantissa * 10 + (b[i] - '0');
                digits++;
                fractionDigits++;
                i++;
            }
            if (fractionDigits == 0) {
                return -1;
            }
        }
        if (digits > MAX_AMOUNT_DIGITS) {
            return -1;
        }
        at = i;
        return mantissa / POWERS_OF_TEN[fractionDigits];
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
