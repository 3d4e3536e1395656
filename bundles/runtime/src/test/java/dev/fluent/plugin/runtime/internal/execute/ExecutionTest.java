package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class ExecutionTest {

    /** Shared with GuestOutputTest. */
    static Captured captured() {
        return new Captured();
    }

    /** A logger that keeps what it is given, as "LEVEL message". */
    static final class Captured {
        final List<String> lines = new ArrayList<>();
        final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if (method.getReturnType() == boolean.class) {
                        return true;
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String pattern) {
                        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
                        if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                            rest = varargs;
                        }
                        lines.add(method.getName().toUpperCase() + " "
                                + MessageFormatter.arrayFormat(pattern, rest).getMessage());
                    }
                    return null;
                });
    }

    @Test
    void guestOutputCannotForgeLogLinesOrDriveATerminal() {
        Captured log = new Captured();
        Execution execution = new Execution("p", "p-1", new GuestOutput(log.logger));
        execution.guestOutput(1, "ok\n2026-12-06 | ERROR | forged\u001b[2J\u202e".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("INFO [p-1] ok\\u000a2026-12-06 | ERROR | forged\\u001b[2J\\u202e"), log.lines);
        assertFalse(log.lines.get(0).contains("\n"));
    }

    @Test
    void guestOutputBeyondTheBudgetOfOneExecutionIsDroppedAndSaidOnce() {
        Captured log = new Captured();
        Execution execution = new Execution("p", "p-2", new GuestOutput(log.logger));
        byte[] chunk = "x".repeat(40 * 1024).getBytes(StandardCharsets.UTF_8);
        execution.guestOutput(2, chunk);
        execution.guestOutput(2, chunk);
        execution.guestOutput(2, chunk);
        execution.guestOutput(2, chunk);
        // 40 KiB, then the 24 KiB left of the budget; the rest is dropped, counted in the execute entry.
        assertEquals(2, log.lines.size(), log.lines::toString);
        assertEquals(24 * 1024 + "[p-2] ".length() + "WARN ".length(), log.lines.get(1).length());
        assertEquals("2", execution.auditDetails(0).get("output_dropped"));
    }
}
