package dev.fluent.plugin.runtime.internal.abi;

/**
 * Writes the request JSON of docs/abi.md §3, {@code {"flowname":…,"payload":…,"request_id":…}}, as UTF-8,
 * in two passes over the three strings: one for the exact length, one to fill an array of that length.
 * Every execution writes one; through Jackson's generator that was a generator, its buffers and a copy out
 * of a growing stream, for three fixed members.
 *
 * <p>A {@code null} flow name is written as JSON's {@code null}. The output is byte for byte what
 * Jackson's generator writes with its defaults (a test compares them over every character and random text):
 * {@code "} and the backslash escaped, the control characters below U+0020 as the short escapes of
 * backspace, tab, line feed, form feed and carriage return or else as a six-character escape (backslash,
 * {@code u}, four hex digits in capitals), U+007F and everything above it as UTF-8, except the UTF-16
 * surrogates, paired or not, which become one six-character escape each (valid JSON either way, and a lone
 * surrogate then cannot make the request malformed UTF-8).
 */
final class RequestWriter {

    private static final byte[] FLOWNAME = ascii("{\"flowname\":");
    private static final byte[] PAYLOAD = ascii(",\"payload\":");
    private static final byte[] REQUEST_ID = ascii(",\"request_id\":");
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final byte[] NULL = ascii("null");
    /** For each character below 128: 0 written as it is, else the letter of its short escape, or 'u'. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private RequestWriter() {
    }

    /**
     * The request in one pass when its three strings are plain text (U+0020 to U+007F but {@code "} and the
     * backslash, as most requests are), each character one byte; else {@code null}, and the caller takes the
     * two passes of {@link #length} and {@link #write}.
     */
    static byte[] writePlain(String flowname, String payload, String requestId, int maxBytes) {
        long length = FLOWNAME.length + PAYLOAD.length + REQUEST_ID.length + 1
                + plainLength(flowname) + plainLength(payload) + plainLength(requestId);
        if (length > maxBytes) {
            return null;
        }
        byte[] out = new byte[(int) length];
        int at = put(out, 0, FLOWNAME);
        at = plain(out, at, flowname);
        if (at < 0) {
            return null;
        }
        at = put(out, at, PAYLOAD);
        at = plain(out, at, payload);
        if (at < 0) {
            return null;
        }
        at = put(out, at, REQUEST_ID);
        at = plain(out, at, requestId);
        if (at < 0) {
            return null;
        }
        out[at] = '}';
        return out;
    }

    private static long plainLength(String s) {
        return s == null ? NULL.length : s.length() + 2L;
    }

    /** {@code s} quoted, one byte per character, or -1 at the first character that is not plain text. */
    private static int plain(byte[] out, int at, String s) {
        if (s == null) {
            return put(out, at, NULL);
        }
        out[at++] = '"';
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || ESCAPES[c] != 0) {
                return -1;
            }
            out[at++] = (byte) c;
        }
        out[at++] = '"';
        return at;
    }

    /** The encoded length of the request, as a long so that no input can overflow it. */
    static long length(String flowname, String payload, String requestId) {
        return FLOWNAME.length + PAYLOAD.length + REQUEST_ID.length + 1
                + quotedLength(flowname) + quotedLength(payload) + quotedLength(requestId);
    }

    /** The request, into an array of exactly {@code length} bytes (the result of {@link #length}). */
    static byte[] write(String flowname, String payload, String requestId, int length) {
        byte[] out = new byte[length];
        int at = put(out, 0, FLOWNAME);
        at = quoted(out, at, flowname);
        at = put(out, at, PAYLOAD);
        at = quoted(out, at, payload);
        at = put(out, at, REQUEST_ID);
        at = quoted(out, at, requestId);
        out[at++] = '}';
        if (at != length) {
            // Both passes follow the same rules; a difference is a bug here, never something a caller did.
            throw new IllegalStateException("request encoded in " + at + " bytes, " + length + " expected");
        }
        return out;
    }

    /** A string's length as JSON; {@code null} (a request without a flow name) is JSON's {@code null}. */
    private static long quotedLength(String s) {
        if (s == null) {
            return NULL.length;
        }
        long n = 2;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPES[c];
                n += e == 0 ? 1 : e == 'u' ? 6 : 2;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isSurrogate(c)) {
                n += 6;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int quoted(byte[] out, int at, String s) {
        if (s == null) {
            return put(out, at, NULL);
        }
        out[at++] = '"';
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPES[c];
                if (e == 0) {
                    out[at++] = (byte) c;
                } else if (e != 'u') {
                    out[at++] = '\\';
                    out[at++] = e;
                } else {
                    at = unicodeEscape(out, at, c);
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                at = unicodeEscape(out, at, c);
            } else {
                out[at++] = (byte) (0xE0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out[at++] = '"';
        return at;
    }

    private static int unicodeEscape(byte[] out, int at, char c) {
        out[at++] = '\\';
        out[at++] = 'u';
        out[at++] = HEX[(c >> 12) & 0xF];
        out[at++] = HEX[(c >> 8) & 0xF];
        out[at++] = HEX[(c >> 4) & 0xF];
        out[at++] = HEX[c & 0xF];
        return at;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
