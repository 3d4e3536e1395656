package dev.fluent.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void leavesOrdinaryTextAloneWithoutCopyingIt() {
        String text = "the cache failed: héllo wörld ✓ 日本語";
        assertSame(text, SafeText.escape(text));
        assertNull(SafeText.escape(null));
    }

    @Test
    void escapesTerminalControlNewLinesAndBidiControls() {
        assertEquals("\\u001b[31mred\\u001b[0m", SafeText.escape("\u001b[31mred\u001b[0m"));
        assertEquals("ok\\u000d\\u000aERROR forged line", SafeText.escape("ok\r\nERROR forged line"));
        assertEquals("a\\u0009b\\u007fc\\u0085d", SafeText.escape("a\tb\u007fc\u0085d"));
        assertEquals("file\\u202egpj.exe", SafeText.escape("file\u202egpj.exe"));
        assertEquals("\\u2066x\\u2069\\u200f", SafeText.escape("\u2066x\u2069\u200f"));
    }

    @Test
    void keepsWellFormedPluginCodesAndReplacesTheRest() {
        assertEquals("QUOTA", SafeText.pluginCode("QUOTA"));
        assertEquals("UPSTREAM_BAD_REPLY", SafeText.pluginCode("UPSTREAM_BAD_REPLY"));
        assertEquals("A" + "B".repeat(63), SafeText.pluginCode("A" + "B".repeat(63)));
        assertEquals(SafeText.INVALID_CODE, SafeText.pluginCode("A" + "B".repeat(64)));
        assertEquals(SafeText.INVALID_CODE, SafeText.pluginCode("oops"));
        assertEquals(SafeText.INVALID_CODE, SafeText.pluginCode("ERR\u001b[2J"));
        assertEquals(SafeText.INVALID_CODE, SafeText.pluginCode(""));
        assertEquals(SafeText.INVALID_CODE, SafeText.pluginCode(null));
    }
}
