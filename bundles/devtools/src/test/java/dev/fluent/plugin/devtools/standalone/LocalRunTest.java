package dev.fluent.plugin.devtools.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.fluent.plugin.devtools.CommandFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} on the platform's real capability providers under a local policy: examples/openai-engine asks a
 * real HTTP server on loopback with the configuration the policy gives it, examples/file-summary reads real
 * files inside the policy's folders; without a policy the same plugin gets the fakes, and what the policy does
 * not allow is refused by the providers themselves.
 */
class LocalRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLY = "{\"model\":\"local-model\",\"choices\":[{\"message\":{\"content\":"
            + "\"hello from loopback\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":2,"
            + "\"completion_tokens\":3,\"total_tokens\":5}}";

    @TempDir
    Path temp;

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> out = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization")
                    + " " + body);
            byte[] reply = REPLY.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static Path example(String name) {
        return Path.of(System.getProperty("fluent.examples.dir", "../../examples")).resolve(name).toAbsolutePath()
                .normalize();
    }

    /** A copy of an example whose manifest the test changes (so unsigned: the runs are in development mode). */
    private Path copy(String example, Consumer<ObjectNode> edit) throws IOException {
        Path folder = Files.createDirectories(temp.resolve(example));
        Files.copy(example(example).resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        ObjectNode manifest = (ObjectNode) JSON.readTree(example(example).resolve("manifest.json").toFile());
        manifest.remove("signature");
        edit.accept(manifest);
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        return folder;
    }

    private Path openai() throws IOException {
        return copy("openai-engine", m -> ((ArrayNode) m.with("permissions").withArray("allowed_hosts"))
                .removeAll().add(origin()));
    }

    private void writePolicy(Path folder, String json) throws IOException {
        Files.writeString(folder.resolve("local-policy.json"), json);
    }

    private String openaiPolicy(String hosts, boolean loopback) {
        return "{\"allowed_hosts\": " + hosts + ", \"allow_loopback\": " + loopback + ", \"config\": {"
                + "\"endpoint\": \"" + origin() + "/v1/chat/completions\", \"api_key\": \"k-local\"}}";
    }

    private String run(Path folder, String payload, LocalRunOptions options) throws CommandFailure {
        try (StandalonePlatform platform = StandalonePlatform.start(List.of(), true, null, options)) {
            platform.commands().run(folder, payload, null, false, out::add);
        }
        return String.join("\n", out);
    }

    private LocalRunOptions options() {
        return new LocalRunOptions(null, false, notes::add);
    }

    @Test
    void reachesALoopbackServerWithTheConfigurationOfTheLocalPolicy() throws Exception {
        Path plugin = openai();
        writePolicy(plugin, openaiPolicy("[\"" + origin() + "\"]", true));

        assertEquals("hello from loopback", run(plugin, "Hello?", options()));
        assertEquals(1, received.size(), received::toString);
        assertTrue(received.get(0).startsWith("POST Bearer k-local {"), received::toString);
        assertTrue(received.get(0).contains("Hello?"), received::toString);
        assertEquals(List.of("capabilities served by the platform's providers under the local policy "
                + plugin.resolve("local-policy.json")), notes);
    }

    @Test
    void thePluginsLogLinesReachTheAuthorsConsole() throws Exception {
        Path plugin = copy("c-echo", m -> { });
        writePolicy(plugin, "{}");

        assertEquals("hi there", run(plugin, "hi there", options()));
        assertEquals(2, notes.size(), notes::toString);
        assertTrue(notes.get(1).matches("log INFO c-echo \\[[^\\]]+] c-echo: 8 bytes"), notes::toString);
    }

    @Test
    void withoutALocalPolicyTheFakesAnswerAndNothingReachesTheServer() throws Exception {
        Path plugin = openai();
        CommandFailure failure = assertThrows(CommandFailure.class, () -> run(plugin, "Hello?", options()));
        // The fake configuration answers every key with fake-config-<key>, which the plugin cannot use as its
        // settings: the fakes served, not the local policy's values, and the server heard nothing.
        assertTrue(failure.getMessage().contains("'fake-config-"), failure::getMessage);
        assertEquals(List.of(), received);
        assertEquals(List.of("capabilities served by fakes; write local-policy.json to use real ones"), notes);
    }

    @Test
    void fakesWhenAskedEvenWithALocalPolicy() throws Exception {
        Path plugin = openai();
        writePolicy(plugin, openaiPolicy("[\"" + origin() + "\"]", true));
        assertThrows(CommandFailure.class, () -> run(plugin, "Hello?", new LocalRunOptions(null, true, notes::add)));
        assertEquals(List.of(), received);
        assertEquals(List.of("capabilities served by fakes; write local-policy.json to use real ones"), notes);
    }

    @Test
    void aHostTheLocalPolicyDoesNotAllowIsRefused() throws Exception {
        Path plugin = openai();
        writePolicy(plugin, openaiPolicy("[\"api.openai.com\"]", true));
        CommandFailure failure = assertThrows(CommandFailure.class, () -> run(plugin, "Hello?", options()));
        assertTrue(failure.getMessage().startsWith("ACCESS_DENIED: "), failure::getMessage);
        assertTrue(failure.getMessage().contains("allowed_hosts []"), failure::getMessage);
        assertEquals(List.of(), received);
    }

    @Test
    void loopbackIsRefusedUnlessTheLocalPolicyAllowsIt() throws Exception {
        Path plugin = openai();
        Path policy = temp.resolve("elsewhere.json");
        Files.writeString(policy, openaiPolicy("[\"" + origin() + "\"]", false));
        CommandFailure failure = assertThrows(CommandFailure.class,
                () -> run(plugin, "Hello?", new LocalRunOptions(policy, false, notes::add)));
        assertTrue(failure.getMessage().startsWith("ACCESS_DENIED: "), failure::getMessage);
        assertTrue(failure.getMessage().contains("allow_loopback"), failure::getMessage);
        assertEquals(List.of(), received);
    }

    @Test
    void filesAreReadInsideThePolicysFoldersOnly() throws Exception {
        Path shared = Files.createDirectories(temp.resolve("shared"));
        Files.writeString(shared.resolve("notes.txt"), "one two three\nfour\n");
        Files.writeString(temp.resolve("secret.txt"), "not for plugins\n");
        Path plugin = copy("file-summary", m -> ((ArrayNode) m.with("permissions").withArray("allowed_file_paths"))
                .add(shared.toString()));
        Path docs = Files.createDirectories(plugin.resolve("data/file-summary/docs"));
        Files.writeString(docs.resolve("a.txt"), "alpha beta\n");
        writePolicy(plugin, "{\"data_dir\": \"data\", \"allowed_roots\": [\"" + shared + "\"]}");

        assertTrue(run(plugin, "docs/a.txt", options()).contains("2 words"), out::toString);
        out.clear();
        assertTrue(run(plugin, shared.resolve("notes.txt").toString(), options()).contains("4 words"),
                out::toString);
        CommandFailure outside = assertThrows(CommandFailure.class,
                () -> run(plugin, temp.resolve("secret.txt").toString(), options()));
        assertTrue(outside.getMessage().startsWith("ACCESS_DENIED: "), outside::getMessage);
        CommandFailure climbing = assertThrows(CommandFailure.class,
                () -> run(plugin, "docs/../../../secret.txt", options()));
        assertTrue(climbing.getMessage().startsWith("ACCESS_DENIED: "), climbing::getMessage);

        // The same manifest without the root in the local policy: its absolute path is not granted.
        writePolicy(plugin, "{\"data_dir\": \"data\"}");
        CommandFailure noRoot = assertThrows(CommandFailure.class,
                () -> run(plugin, shared.resolve("notes.txt").toString(), options()));
        assertTrue(noRoot.getMessage().startsWith("ACCESS_DENIED: "), noRoot::getMessage);
    }

    @Test
    void environmentVariablesAreReadOnlyWhenTheLocalPolicyExposesThem() throws Exception {
        Path probe = copy("hostile/capability-probe", m -> { });
        writePolicy(probe, "{\"environment\": [\"PATH\"]}");
        assertEquals(System.getenv("PATH"), run(probe, "{\"op\":\"env\",\"name\":\"PATH\"}", options()));
        CommandFailure hidden = assertThrows(CommandFailure.class,
                () -> run(probe, "{\"op\":\"env\",\"name\":\"HOME\"}", options()));
        assertTrue(hidden.getMessage().startsWith("ACCESS_DENIED: environment variable HOME is not exposed"),
                hidden::getMessage);
    }

    @Test
    void aLocalPolicyIsReadStrictlyWithTheFieldNamed() throws Exception {
        Path plugin = openai();
        writePolicy(plugin, "{\"allowed_host\": [\"" + origin() + "\"]}");
        CommandFailure unknown = assertThrows(CommandFailure.class, () -> run(plugin, "x", options()));
        assertTrue(unknown.getMessage().contains("unknown field \"allowed_host\""), unknown::getMessage);

        writePolicy(plugin, "{\"allow_loopback\": \"yes\"}");
        CommandFailure type = assertThrows(CommandFailure.class, () -> run(plugin, "x", options()));
        assertTrue(type.getMessage().contains("allow_loopback must be true or false"), type::getMessage);

        writePolicy(plugin, "{\"config\": {\"api_key\": 42}}");
        CommandFailure value = assertThrows(CommandFailure.class, () -> run(plugin, "x", options()));
        assertTrue(value.getMessage().contains("config.api_key must be a string"), value::getMessage);

        writePolicy(plugin, "{\"allowed_hosts\": [\"ftp://x\"]}");
        CommandFailure host = assertThrows(CommandFailure.class, () -> run(plugin, "x", options()));
        assertTrue(host.getMessage().contains("allowed_hosts entry \"ftp://x\""), host::getMessage);
        assertEquals(List.of(), received);
    }
}
