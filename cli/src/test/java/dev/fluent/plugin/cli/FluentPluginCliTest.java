package dev.fluent.plugin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command line's adapters: report on standard output, the failure's one line on standard error, status. */
class FluentPluginCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return FluentPluginCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static String example(String name) {
        return Path.of(System.getProperty("fluent.examples.dir", "../examples")).resolve(name).toAbsolutePath()
                .normalize().toString();
    }

    @Test
    void printsTheReportAndSucceeds() {
        assertEquals(0, run("validate", "--trust", example("keys/dev-signing-key.pub.pem"), example("echo")),
                err::toString);
        assertEquals("validate echo: OK, passes every load check", out.toString().strip());
        assertEquals("", err.toString());
    }

    @Test
    void printsTheProblemsThenFailsWithTheSummaryOnStandardError() {
        assertEquals(1, run("validate", example("echo")));
        assertTrue(out.toString().startsWith("HIGH   KEY_UNTRUSTED: "), out::toString);
        assertEquals("validate echo: 1 error(s), the plugin does not load", err.toString().strip());
    }

    @Test
    void inspectOfAPluginSignedByAKeyNotTrustedHereWarnsAndSucceeds() {
        assertEquals(0, run("inspect", example("echo")), err::toString);
        assertTrue(out.toString().contains("WARN   KEY_UNTRUSTED: "), out::toString);
        assertEquals("", err.toString());
    }

    @Test
    void runsARequest() {
        assertEquals(0, run("run", "--trust", example("keys/dev-signing-key.pub.pem"), "--flow", "test",
                example("echo"), "hello cli"), err::toString);
        assertEquals("hello cli", out.toString().strip());
    }

    @Test
    void aRefusalIsItsCodeAndMessage() {
        assertEquals(1, run("create", "--capabilities", "Teleport", "--output", example("nowhere"), "other", "x"));
        assertTrue(err.toString().startsWith("MANIFEST_INVALID: unknown capability Teleport"), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void aUsageErrorIsStatusTwo() {
        assertEquals(2, run("sign", example("echo")));
        assertTrue(err.toString().contains("--key"), err::toString);
    }
}
