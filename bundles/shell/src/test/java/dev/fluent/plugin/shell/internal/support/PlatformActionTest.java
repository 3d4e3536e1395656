package dev.fluent.plugin.shell.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.devtools.CommandFailure;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

/**
 * A failing command reaches Karaf's shell as the one exception it prints verbatim and logs at DEBUG only: a class
 * named CommandException whose nice help is the plain line {@code CODE: message}.
 */
class PlatformActionTest {

    private static PlatformAction failingWith(Exception failure) {
        return new PlatformAction() {
            @Override
            protected Object run() throws Exception {
                throw failure;
            }
        };
    }

    @Test
    void aCommandFailureBecomesTheLineKarafPrintsAsIs() {
        CommandException e = assertThrows(CommandException.class,
                () -> failingWith(new CommandFailure("BAD_REQUEST: --limit must be at least 1, was 0")).execute());

        // Karaf's ShellUtil.logException recognises it by this simple name, then prints getNiceHelp().
        assertEquals("CommandException", e.getClass().getSimpleName());
        assertEquals("BAD_REQUEST: --limit must be at least 1, was 0", e.getNiceHelp());
        assertEquals("BAD_REQUEST: --limit must be at least 1, was 0", e.getMessage());
    }

    @Test
    void aPluginExceptionStartsWithItsCode() {
        CommandException e = assertThrows(CommandException.class, () -> failingWith(
                new PluginException(ErrorCode.NOT_LOADED, "nope", "no plugin nope is loaded")).execute());

        assertEquals("NOT_LOADED: no plugin nope is loaded", e.getNiceHelp());
    }

    @Test
    void theLineStaysOneLineWithoutEscapeCharacters() {
        CommandException e = assertThrows(CommandException.class, () -> failingWith(new PluginException(
                ErrorCode.TRAP, "x", "guest said\nNOT_LOADED: forged \u001b[31mred")).execute());

        assertEquals("TRAP: guest said\\u000aNOT_LOADED: forged \\u001b[31mred", e.getNiceHelp());
    }

    @Test
    void anUnexpectedExceptionIsLeftForKarafToLog() {
        IllegalStateException bug = new IllegalStateException("a bug");

        assertSame(bug, assertThrows(IllegalStateException.class, () -> failingWith(bug).execute()));
    }
}
