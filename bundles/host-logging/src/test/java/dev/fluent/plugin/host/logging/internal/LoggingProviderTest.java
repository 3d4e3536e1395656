package dev.fluent.plugin.host.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingProviderTest {

    private final List<String> lines = new ArrayList<>();
    private long now = 0;
    private final LoggingProvider provider = new LoggingProvider(new LoggingSettings(5, 20, 100),
            (plugin, level, request, line) -> lines.add(plugin + " " + level + " " + line), () -> now);
    private final HostFunctionDefinition log = provider.functions().get(0);

    private FakeHostCall call(String plugin) {
        return new FakeHostCall(FakeHostCall.grant(plugin, Permissions.DEFAULTS, Path.of("data"),
                Capability.LOGGING_ACCESS), 8192);
    }

    private void log(FakeHostCall call, int level, String text) {
        long[] s = call.string(text);
        call.call(log, level, s[0], s[1]);
    }

    @Test
    void writesOneEscapedLineUnderThePluginsName() {
        FakeHostCall call = call("p");
        log(call, 2, "hello\nFAKE 4 forged line\u0007");
        assertEquals(List.of("p 2 hello\\nFAKE 4 forged line\\u0007"), lines);
    }

    @Test
    void cutsLongLines() {
        FakeHostCall call = call("p");
        log(call, 2, "x".repeat(500));
        assertTrue(lines.get(0).endsWith("[cut at 100 bytes]"), lines.get(0));
    }

    @Test
    void dropsLinesBeyondTheRateAndAuditsOnce() {
        FakeHostCall call = call("p");
        for (int i = 0; i < 10; i++) {
            log(call, 2, "line " + i);
        }
        assertEquals(6, lines.size(), "5 lines and one notice");
        assertEquals(1, call.denials().size());
        assertTrue(call.denials().get(0).error().startsWith("RATE_LIMITED"));
        now += 60_000_000_000L;
        log(call("p"), 2, "after a minute");
        assertTrue(lines.get(lines.size() - 1).endsWith("after a minute"));
    }

    @Test
    void aFloodFailsTheExecution() {
        FakeHostCall call = call("p");
        HostCallException e = assertThrows(HostCallException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                log(call, 1, "x");
            }
        });
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().startsWith("log flood"), e.getMessage());
    }

    @Test
    void refusesBadLevelsAndRanges() {
        FakeHostCall call = call("p");
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class, () -> log(call, 7, "x")).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> call.call(log, 2, 8000, 1000)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> call.call(log, 2, 16, 0x8000_0000L)).code(), "a 2 GiB length");
        assertTrue(lines.isEmpty());
    }
}
