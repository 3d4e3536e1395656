package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import javax.inject.Inject;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The plugin author's shell commands in the real distribution: plugin:create writes a complete project,
 * plugin:validate and plugin:security-test pass the examples and fail tampered or hostile ones naming the
 * problem and its fix, and their --json output is JSON; plugin:inspect and plugin:run show and run a plugin
 * folder without loading it. Last, the plugin that docs/plugin-authoring.sh builds
 * from the tutorial is loaded and executed here (when test.sh ran the tutorial before the build).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuthoringIT extends PlatformTestSupport {

    /** System property, set in the container, naming the folder the tutorial leaves its signed plugin in. */
    private static final String TUTORIAL_PLUGIN_PROPERTY = "fluent.tutorial.plugin.dir";

    /** Where docs/plugin-authoring.sh puts the tutorial's plugin when test.sh runs it, from the repository root. */
    private static final String TUTORIAL_PLUGIN_DIR = "target/tutorial-plugin";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request head of examples/hostile/exfiltrate, whose port a test overwrites with its server's. */
    private static final String EXFILTRATE_HEAD = "{\"method\":\"POST\",\"url\":\"http://127.0.0.1:65535/steal\"}";

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private AuditLog auditLog;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        Path root = Paths.get(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Option[] options = super.config();
        Option[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = systemProperty(TUTORIAL_PLUGIN_PROPERTY)
                .value(root.resolve(TUTORIAL_PLUGIN_DIR).toString());
        return all;
    }

    @After
    public void unloadEverything() {
        String list = executeCommand("plugin:list");
        for (String id : new String[] {"hello-summary", "keyed-echo", "c-echo"}) {
            if (list.contains(id)) {
                executeCommand("plugin:unload " + id);
            }
        }
    }

    /**
     * The attack on security-test: an unsigned folder named like a loaded plugin, which reads its api_key and
     * posts it to a loopback server it names (one the live policy lets that plugin reach). In the sandbox it
     * gets a fake value and the fake network answers: the server sees no connection, the real log has no
     * config_get or http_request of that plugin, the run is in the real log as security-test, the report
     * lists both calls, and the loaded plugin keeps serving.
     */
    @Test
    public void securityTestIsASandboxEvenForAFolderNamedLikeALoadedPlugin() throws Exception {
        String apiKey = "sk-live-do-not-leak-7731";
        Path live = copyOf("echo", "keyed-echo-live");
        editManifest(live, m -> {
            m.put("name", "keyed-echo");
            m.remove("signature");
        });
        assertTrue(executeCommand("plugin:load " + live).startsWith("Loaded keyed-echo"));
        Configuration settings = configurationAdmin.getFactoryConfiguration("dev.fluent.plugin.host.config",
                "keyed-echo", "?");
        Dictionary<String, Object> values = new Hashtable<>();
        values.put("plugin.id", "keyed-echo");
        values.put("api_key", apiKey);
        settings.update(values);
        ConfigurationFiles.set(configurationAdmin, "dev.fluent.plugin", Map.of("allow_loopback.keyed-echo", "true"));

        try (HttpStub stub = new HttpStub(Map.of("/steal", r -> HttpStub.Response.text(200, "got " + r.text())))) {
            Path attack = exfiltrating("keyed-echo", stub.port());
            String url = stub.base() + "/steal";
            String out = failure("plugin:security-test " + attack, 120_000);

            assertTrue(out, out.contains("host calls during the probes (served by fakes"));
            assertTrue(out, out.contains("ConfigurationAccess config_get api_key: answered"));
            assertTrue(out, out.contains("NetworkAccess      http_request POST " + url + ": answered"));
            assertFalse(out, out.contains(apiKey));
            assertTrue(out, out.contains("security-test keyed-echo: FAIL (1 high")); // unsigned, and only that
            assertEquals("no request left the sandbox", 0, stub.connections());

            List<AuditRecord> runs = auditLog.query(AuditQuery.builder().pluginId("keyed-echo")
                    .action(AuditActions.SECURITY_TEST).build());
            assertEquals(runs.toString(), 1, runs.size());
            AuditRecord run = runs.get(0);
            assertEquals(attack.toString(), run.resource());
            assertFalse(run.success());
            assertEquals("FAIL", run.details().get("verdict"));
            assertEquals("1", run.details().get("high"));
            assertTrue(run.toString(), Integer.parseInt(run.details().get("probes")) > 20);
            assertEquals(run.toString(), 2 * Integer.parseInt(run.details().get("probes")),
                    Integer.parseInt(run.details().get("host_calls")));
            for (String use : new String[] {AuditActions.CONFIG_GET, AuditActions.HTTP_REQUEST}) {
                assertEquals("the sandbox wrote no " + use + " into the real log", List.of(), auditLog.query(
                        AuditQuery.builder().pluginId("keyed-echo").action(use).build()));
            }
            assertEquals("still here", executeCommand("plugin:execute keyed-echo \"still here\"").trim());
            assertEquals(0, stub.connections());
        } finally {
            settings.delete();
            ConfigurationFiles.set(configurationAdmin, "dev.fluent.plugin",
                    Map.of("allow_loopback.keyed-echo", "false"));
        }
    }

    @Test
    public void createWritesACompleteProject() throws IOException {
        Path output = Files.createTempDirectory(Paths.get(System.getProperty("karaf.data")), "authoring");
        String out = executeCommand("plugin:create --capabilities LoggingAccess --author Tester --output " + output
                + " my-summary summarize");
        Path project = output.resolve("my-summary");
        assertTrue(out, out.startsWith("Created " + project));
        for (String file : new String[] {"manifest.json", "src/lib.rs", "Cargo.toml", "build.sh", "README.md",
                ".gitignore", "pdk/Cargo.toml", "pdk/src/lib.rs", "pdk/src/abi.rs", "pdk/src/host.rs",
                "pdk/src/json.rs", "pdk/src/fakes.rs", "pdk/src/imports.rs", "pdk/src/fakes/imports.rs"}) {
            assertTrue(file + " in " + project, Files.isRegularFile(project.resolve(file)));
            assertTrue(file + " is empty", Files.size(project.resolve(file)) > 0);
        }
        assertTrue("build.sh is executable", Files.isExecutable(project.resolve("build.sh")));
        JsonNode manifest = JSON.readTree(project.resolve("manifest.json").toFile());
        assertEquals("my-summary", manifest.path("name").asText());
        assertEquals("summarize", manifest.path("engine_type").asText());
        assertEquals("Tester", manifest.path("author").asText());
        assertEquals("LoggingAccess", manifest.path("capabilities").path(0).asText());
        assertTrue(manifest.toString(), manifest.path("permissions").path("max_memory_mb").asInt() > 0);

        String c = executeCommand("plugin:create --language c --output " + output + " my-c-tool summarize");
        assertTrue(c, c.startsWith("Created " + output.resolve("my-c-tool")));
        for (String file : new String[] {"src/plugin.c", "pdk/fluent_plugin.h", "pdk/fluent_plugin.c", "build.sh"}) {
            assertTrue(file + " in the C project", Files.isRegularFile(output.resolve("my-c-tool").resolve(file)));
        }
        String unknown = failure("plugin:create --language cobol --output " + output + " my-cobol x");
        assertTrue(unknown, unknown.contains("unknown language cobol"));

        String again = failure("plugin:create --output " + output + " my-summary summarize");
        assertTrue(again, again.contains("exists already"));
        String badCapability = failure("plugin:create --capabilities Teleport --output " + output + " other x");
        assertTrue(badCapability, badCapability.contains("unknown capability Teleport"));
        assertFalse(Files.exists(output.resolve("other")));
    }

    @Test
    public void validatePassesTheSignedExample() throws IOException {
        String out = executeCommand("plugin:validate " + pluginFolder("echo"));
        assertTrue(out, out.contains("validate echo: OK, passes every load check"));

        JsonNode json = JSON.readTree(executeCommand("plugin:validate --json " + pluginFolder("echo")));
        assertEquals("echo", json.path("plugin").asText());
        assertTrue(json.toString(), json.path("loads").asBoolean());
        assertTrue(json.toString(), json.path("problems").isArray());
    }

    @Test
    public void validateFailsATamperedModuleNamingTheProblemAndItsFix() throws IOException {
        Path folder = copyOf("echo", "tampered");
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        wasm[wasm.length / 2] ^= 0x01;
        Files.write(folder.resolve("plugin.wasm"), wasm);

        String refused = failure("plugin:validate " + folder);
        assertTrue(refused, refused.contains("CHECKSUM_MISMATCH"));
        assertTrue(refused, refused.contains("fix: rebuild"));
        assertTrue(refused, refused.contains("validate echo: 1 error(s), the plugin does not load"));

        String json = failure("plugin:validate --json " + folder);
        JsonNode report = JSON.readTree(json.substring(json.indexOf("{\"plugin\""), json.lastIndexOf('}') + 1));
        assertFalse(report.toString(), report.path("loads").asBoolean());
        assertEquals("CHECKSUM_MISMATCH", report.path("problems").path(0).path("code").asText());
        assertFalse(report.toString(), report.path("problems").path(0).path("fix").asText().isEmpty());
    }

    @Test
    public void securityTestPassesTheExampleAndFailsAHostilePlugin() throws IOException {
        String out = executeCommand("plugin:security-test " + pluginFolder("echo"), 120_000);
        assertTrue(out, out.contains("security-test echo: PASS (0 high"));

        JsonNode json = JSON.readTree(executeCommand("plugin:security-test --json " + pluginFolder("echo"), 120_000));
        assertTrue(json.toString(), json.path("passed").asBoolean());
        assertEquals(0, json.path("high").asInt());
        assertTrue(json.toString(), json.path("probes").asInt() > 20);

        String refused = failure("plugin:security-test " + pluginFolder("hostile/loop"), 120_000);
        assertTrue(refused, refused.contains("TIMEOUT"));
        assertTrue(refused, refused.contains("security-test hostile-loop: FAIL (1 high"));
        String trap = failure("plugin:security-test --json " + pluginFolder("hostile/trap"), 120_000);
        JsonNode report = JSON.readTree(trap.substring(trap.indexOf("{\"plugin\""), trap.lastIndexOf('}') + 1));
        assertFalse(report.toString(), report.path("passed").asBoolean());
        assertTrue(report.toString(), report.path("findings").toString().contains("\"code\":\"TRAP\""));
    }

    @Test
    public void inspectAndRunAPluginFolderWithoutLoadingIt() throws IOException {
        String inspected = executeCommand("plugin:inspect " + pluginFolder("echo"));
        assertTrue(inspected, inspected.startsWith("plugin        echo 1.0.0 (engine echo)"));
        assertTrue(inspected, inspected.contains("signed        by key 15c39e68cc27569911bc92aee39f03df"));
        assertTrue(inspected, inspected.contains("execute_request"));
        assertTrue(inspected, inspected.contains("validate echo: OK, passes every load check"));

        String echo = pluginFolder("echo").toString();
        assertEquals("hello sandbox", executeCommand("plugin:run " + echo + " \"hello sandbox\"").trim());
        JsonNode response = JSON.readTree(executeCommand("plugin:run --json --flow it " + echo + " hi"));
        assertEquals("hi", response.path("content").asText());

        String trapped = failure("plugin:run " + pluginFolder("hostile/trap") + " x");
        assertTrue(trapped, trapped.contains("TRAP: "));
    }

    /**
     * A plugin written in C on pdk/c, examples/c-echo (signed with the development key, as the other examples):
     * loaded into the distribution, it answers, reports its own error code, and its log call reaches the host.
     */
    @Test
    public void theCExampleLoadsAndAnswersInTheDistribution() throws IOException {
        String loaded = executeCommand("plugin:load " + pluginFolder("c-echo"));
        assertTrue(loaded, loaded.startsWith("Loaded c-echo"));
        assertEquals("hello from C", executeCommand("plugin:execute c-echo \"hello from C\"").trim());
        JsonNode response = JSON.readTree(executeCommand("plugin:execute --json c-echo \"three little words\""));
        assertEquals("three little words", response.path("content").asText());
        assertEquals(3, response.path("usage").path("prompt_tokens").asInt());
        assertEquals("c-echo", response.path("model").asText());
        String refused = failure("plugin:execute c-echo \"\"");
        assertTrue(refused, refused.contains("EMPTY_PAYLOAD"));
        String shown = executeCommand("plugin:show c-echo");
        assertTrue(shown, shown.contains("LoggingAccess"));
    }

    /**
     * The step the tutorial cannot take outside the platform: the plugin it built, signed with its own key,
     * loaded into the distribution and executed. Skipped unless test.sh ran the tutorial (Rust installed).
     */
    @Test
    public void theTutorialsPluginLoadsAndAnswersInTheDistribution() {
        Path tutorial = Paths.get(System.getProperty(TUTORIAL_PLUGIN_PROPERTY));
        Path plugin = tutorial.resolve("hello-summary");
        Assume.assumeTrue("the tutorial's plugin was not built (docs/plugin-authoring.sh, run by test.sh when the"
                + " Rust toolchain is installed): " + plugin, Files.isRegularFile(plugin.resolve("plugin.wasm")));

        String trusted = executeCommand("plugin:trust add " + tutorial.resolve("keys/public.pem"));
        assertTrue(trusted, trusted.startsWith("Trusted "));

        String validated = executeCommand("plugin:validate " + plugin);
        assertTrue(validated, validated.contains("validate hello-summary: OK"));
        String loaded = executeCommand("plugin:load " + plugin);
        assertTrue(loaded, loaded.startsWith("Loaded hello-summary"));
        assertEquals("hello tutorial", executeCommand("plugin:execute hello-summary \"hello tutorial\"").trim());
        String list = executeCommand("plugin:list");
        assertTrue(list, list.contains("hello-summary"));
    }

    /**
     * A copy of examples/hostile/exfiltrate named {@code id}, unsigned, aimed at {@code http://127.0.0.1:port}: the
     * port written over the module's head (padded with spaces, which JSON allows) and into allowed_hosts.
     */
    private Path exfiltrating(String id, int port) throws Exception {
        Path folder = copyOf("hostile/exfiltrate", "exfiltrate");
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        String head = EXFILTRATE_HEAD.replace("65535", Integer.toString(port));
        head = head + " ".repeat(EXFILTRATE_HEAD.length() - head.length());
        byte[] from = EXFILTRATE_HEAD.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(wasm, from);
        assertTrue("the request head is in the module", at >= 0);
        System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, wasm, at, from.length);
        Files.write(folder.resolve("plugin.wasm"), wasm);
        String checksum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
        editManifest(folder, m -> {
            m.put("name", id);
            m.remove("signature");
            m.put("checksum", checksum);
            ((ObjectNode) m.path("permissions")).putArray("allowed_hosts").add("http://127.0.0.1:" + port);
        });
        return folder;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    private static void editManifest(Path folder, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        edit.accept(manifest);
        Files.writeString(folder.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    }

    /** A copy of an example plugin under karaf.data, to be changed by the test. */
    private Path copyOf(String example, String name) throws IOException {
        Path target = Files.createTempDirectory(Paths.get(System.getProperty("karaf.data")), name);
        try (Stream<Path> files = Files.list(pluginFolder(example))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
        return target;
    }

    private String failure(String command) {
        return failure(command, DEFAULT_TIMEOUT_MILLIS);
    }

    /** Runs a command that must fail; returns everything it printed and the message it failed with. */
    private String failure(String command, long timeoutMillis) {
        try {
            String out = executeCommand(command, timeoutMillis);
            fail("'" + command + "' should have failed but printed: " + out);
            return null;
        } catch (AssertionError expected) {
            return expected.getMessage();
        }
    }
}
