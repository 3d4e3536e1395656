package dev.fluent.plugin.audit.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.write.Logs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class EntryCodecTest {

    private final EntryCodec codec = new EntryCodec();

    @Test
    public void hashIsSha256OfTheLineWithoutItsHashField() throws Exception {
        EntryCodec.Encoded e = codec.encode(7, Logs.execute("echo", 1, true), EntryCodec.GENESIS);
        String line = text(e).strip();
        String withoutHash = line.replace(",\"hash\":\"" + e.hash() + "\"", "");
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(withoutHash.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, e.hash());
        assertTrue(line.endsWith(",\"hash\":\"" + expected + "\"}"), line);
    }

    @Test
    public void writesTheFieldsInTheDocumentedOrderOnOneLine() {
        String line = text(codec.encode(1, Logs.execute("echo", 1, false), EntryCodec.GENESIS));
        String[] fields = {"{\"seq\":1,", "\"timestamp\":\"2026-01-01T00:00:01Z\"", "\"plugin_id\":\"echo\"",
            "\"action\":\"execute\"", "\"resource\":\"req-1\"", "\"success\":false", "\"error\":\"TIMEOUT:",
            "\"details\":{\"duration_us\":\"101\"}", "\"prev_hash\":\"" + EntryCodec.GENESIS + "\"", "\"hash\":\""};
        int at = -1;
        for (String field : fields) {
            int next = line.indexOf(field);
            assertTrue(next > at, field + " after the previous field in " + line);
            at = next;
        }
        assertEquals(1, line.chars().filter(c -> c == '\n').count());
        assertFalse(line.contains(" \""), "no spaces between fields: " + line);
    }

    @Test
    public void sortsDetailsAndWritesAbsentValuesAsNull() {
        AuditEvent event = new AuditEvent(Logs.T0, "echo", "unload", null, true, null, Map.of("b", "2", "a", "1"));
        String line = text(codec.encode(1, event, EntryCodec.GENESIS));
        assertTrue(line.contains("\"resource\":null,\"success\":true,\"error\":null,\"details\":{\"a\":\"1\",\"b\":\"2\"}"),
                line);
    }

    @Test
    public void escapesWhatWouldBreakTheLineAndReadsItBack() throws Exception {
        String nasty = "line\nbreak \"quoted\" back\\slash tab\t nul\u0000 bell\u0007 lone\ud800 pair\ud83d\ude00 é";
        AuditEvent event = new AuditEvent(Logs.T0, "echo", "execute", nasty, false, nasty, Map.of("k\n", nasty));
        EntryCodec.Encoded e = codec.encode(3, event, EntryCodec.GENESIS);
        String line = text(e);
        assertEquals(line.length() - 1, line.indexOf('\n'), "one line");
        AuditRecord r = EntryCodec.parse(e.line(), 0, e.line().length - 1, "f");
        assertEquals(nasty, r.resource());
        assertEquals(nasty, r.error());
        assertEquals(nasty, r.details().get("k\n"));
        assertEquals(3, r.seq());
        assertEquals(e.hash(), r.hash());
        EntryCodec.Link link = codec.link(e.line(), 0, e.line().length - 1);
        assertNotNull(link);
        assertTrue(link.hashMatches());
    }

    @Test
    public void cutsOverlongFieldsAPluginControls() throws Exception {
        String huge = "x".repeat(EntryCodec.MAX_FIELD_CHARS * 3);
        AuditEvent event = new AuditEvent(Logs.T0, "echo", "execute", null, false, huge, Map.of());
        EntryCodec.Encoded e = codec.encode(1, event, EntryCodec.GENESIS);
        AuditRecord r = EntryCodec.parse(e.line(), 0, e.line().length - 1, "f");
        assertTrue(r.error().length() < EntryCodec.MAX_FIELD_CHARS + 40, "cut to the bound");
        assertTrue(r.error().endsWith("[" + EntryCodec.MAX_FIELD_CHARS * 2 + " more chars]"), r.error());
    }

    @Test
    public void linkReadsTheChainFieldsAndNoticesAnEdit() {
        EntryCodec.Encoded first = codec.encode(1, Logs.execute("echo", 1, true), EntryCodec.GENESIS);
        EntryCodec.Encoded second = codec.encode(2, Logs.execute("echo", 2, true), first.hash());
        EntryCodec.Link link = codec.link(second.line(), 0, second.line().length - 1);
        assertEquals(2, link.seq());
        assertEquals(first.hash(), link.prevHash());
        assertEquals(second.hash(), link.hash());
        assertTrue(link.hashMatches());

        byte[] edited = text(second).replace("req-2", "req-9").getBytes(StandardCharsets.UTF_8);
        EntryCodec.Link tampered = codec.link(edited, 0, edited.length - 1);
        assertFalse(tampered.hashMatches());
        byte[] garbage = "{\"seq\":1}".getBytes(StandardCharsets.UTF_8);
        assertNull(codec.link(garbage, 0, garbage.length));
    }

    private static String text(EntryCodec.Encoded e) {
        return new String(e.line(), StandardCharsets.UTF_8);
    }
}
