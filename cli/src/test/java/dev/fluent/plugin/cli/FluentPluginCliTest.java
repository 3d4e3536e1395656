package dev.fluent.plugin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's adapters: report on standard output, the failure's one line on standard error, status. */
class FluentPluginCliTest {

    @TempDir
    Path temp;

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
    void packagesAPluginAsAMavenArtifact() {
        assertEquals(0, run("package", "--group", "org.example.plugins", "--output", temp.toString(), example("echo")),
                err::toString);
        assertTrue(Files.isRegularFile(temp.resolve("echo-1.0.0.zip")));
        assertTrue(Files.isRegularFile(temp.resolve("echo-1.0.0.pom")));
        assertTrue(out.toString().contains("Load: plugin:load mvn:org.example.plugins/echo/1.0.0/zip"), out::toString);
        assertEquals(2, run("package", example("echo")), "--group is required");
    }

    @Test
    void runsARequest() {
        assertEquals(0, run("run", "--trust", example("keys/dev-signing-key.pub.pem"), "--flow", "test",
                example("echo"), "hello cli"), err::toString);
        assertEquals("hello cli", out.toString().strip());
    }

    @Test
    void runsOnTheRealProvidersUnderALocalPolicyAndSaysWhichOnStandardError() throws IOException {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] reply = "{\"choices\":[{\"message\":{\"content\":\"answered on loopback\"}}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        try {
            String origin = "http://127.0.0.1:" + server.getAddress().getPort();
            // A copy of examples/openai-engine allowed to reach the server; edited, so unsigned: --dev.
            Path plugin = Files.createDirectories(temp.resolve("openai-engine"));
            Files.copy(Path.of(example("openai-engine/plugin.wasm")), plugin.resolve("plugin.wasm"));
            Files.writeString(plugin.resolve("manifest.json"), Files.readString(Path.of(example(
                    "openai-engine/manifest.json"))).replace("\"api.openai.com\"", "\"" + origin + "\"")
                    .replaceAll("\"signature\": \"[^\"]*\",", ""));
            Path policy = Files.writeString(temp.resolve("policy.json"), "{\"allowed_hosts\": [\"" + origin
                    + "\"], \"allow_loopback\": true, \"config\": {\"endpoint\": \"" + origin
                    + "/v1/chat/completions\", \"api_key\": \"k-cli\"}}");

            assertEquals(0, run("run", "--dev", "--local-policy", policy.toString(), plugin.toString(), "hi"),
                    err::toString);
            assertEquals("answered on loopback", out.toString().strip());
            assertEquals("capabilities served by the platform's providers under the local policy " + policy,
                    err.toString().strip());
            assertEquals(List.of("Bearer k-cli"), received);

            assertEquals(2, run("run", "--dev", "--fakes", "--local-policy", policy.toString(), plugin.toString(),
                    "hi"));
            assertTrue(err.toString().contains("--fakes and --local-policy exclude each other"), err::toString);
            assertEquals(1, received.size());
        } finally {
            server.stop(0);
        }
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
