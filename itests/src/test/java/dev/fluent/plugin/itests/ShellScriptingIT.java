package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.PluginRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The shell as scripts use it: {@code --json} output that parses, with the HTTP API's field names; and
 * {@code bin/fluent-client}, run as a process from another folder against this container's SSH port, which
 * sends relative folders as absolute paths of its caller's folder and reports a failed command as one plain
 * line {@code CODE: message} on standard error with a non-zero status, logged in karaf.log at DEBUG, not ERROR.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellScriptingIT extends PlatformTestSupport {

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(Arrays.asList(super.config()));
        // Karaf logs how it handled each command's exception: at DEBUG for the plain failures expected here.
        // Shown, so that the test sees the failure reach the log, and at which level.
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg",
                "log4j2.logger.shellutil.name", "org.apache.karaf.shell.support.ShellUtil"));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.shellutil.level", "DEBUG"));
        return options.toArray(new Option[0]);
    }

    @Test
    public void jsonOutputParsesWithTheApiFieldNames() throws Exception {
        waitForService(PluginRegistry.class);
        executeCommand("plugin:load " + pluginFolder("echo"));
        executeCommand("plugin:execute echo hello");

        JsonNode plugin = only(mapper.readTree(executeCommand("plugin:list --json")).get("plugins"), "id", "echo");
        assertEquals("echo", plugin.get("engine_type").asText());
        assertTrue(plugin.get("permissions").get("max_memory_mb").isInt());

        JsonNode show = mapper.readTree(executeCommand("plugin:show --json echo"));
        assertEquals(plugin, show);

        JsonNode stats = mapper.readTree(executeCommand("plugin:stats --json echo"));
        assertEquals("echo", stats.get("plugin_id").asText());
        assertEquals(1, stats.get("executions").asLong());
        assertTrue(stats.get("latency_micros").has("p99"));
        only(mapper.readTree(executeCommand("plugin:stats --json")).get("stats"), "plugin_id", "echo");

        JsonNode load = mapper.readTree(executeCommand("plugin:audit --json --action load echo")).get("entries").get(0);
        assertEquals("load", load.get("action").asText());
        assertTrue(load.get("success").asBoolean());
        assertEquals(64, load.get("hash").asText().length());
        assertTrue(mapper.readTree(executeCommand("plugin:audit --verify --json")).get("ok").asBoolean());

        JsonNode owner = only(mapper.readTree(executeCommand("plugin:owner --json")).get("owners"), "plugin_id", "echo");
        assertEquals("1.0.0", owner.get("version").asText());
    }

    @Test
    public void aFailedCommandIsOnePlainLineOnStandardErrorAndNoErrorInTheLog() throws Exception {
        waitForService(PluginRegistry.class);
        Path caller = Files.createTempDirectory("caller");

        for (String client : new String[] {"ssh", "karaf"}) {
            if (client.equals("ssh") && !onPath("ssh")) {
                continue;
            }
            Run run = fluentClient(caller, client, "plugin:show no-such-plugin");

            assertNotEquals(run.toString(), 0, run.status);
            assertEquals(run.toString(), "", run.out);
            assertEquals(run.toString(),
                    "NOT_LOADED: no plugin no-such-plugin is loaded (plugin:list shows those that are)\n", run.err);
        }
        List<String> log = Files.readAllLines(Paths.get(System.getProperty("karaf.data"), "log", "karaf.log"),
                StandardCharsets.UTF_8);
        assertTrue("karaf.log shows how the shell handled the failure",
                log.stream().anyMatch(l -> l.contains("DEBUG") && l.contains("Command exception")));
        assertFalse("no ERROR for an operator's mistake", log.stream().anyMatch(l -> l.contains("| ERROR ")
                && (l.contains("Exception caught while executing command") || l.contains("no-such-plugin"))));
    }

    @Test
    public void aClusterViewWithoutTheClusterSaysWhatToTurnOn() throws Exception {
        waitForService(PluginRegistry.class);
        Path caller = Files.createTempDirectory("caller");
        for (String command : new String[] {"plugin:stats --cluster", "plugin:audit --cluster"}) {
            Run run = fluentClient(caller, onPath("ssh") ? "ssh" : "karaf", command);
            assertNotEquals(run.toString(), 0, run.status);
            assertTrue(run.toString(), run.err.startsWith("CLUSTER_UNAVAILABLE: the cluster feature is not installed on "
                    + "this node: feature:install --no-auto-refresh fluent-plugin-cluster"));
        }
    }

    @Test
    public void relativeFoldersAreTheCallersOwn() throws Exception {
        waitForService(PluginRegistry.class);
        Path caller = Files.createTempDirectory("caller");
        Path plugin = Files.createDirectories(caller.resolve("my-echo"));
        for (String file : new String[] {"manifest.json", "plugin.wasm"}) {
            Files.copy(pluginFolder("echo").resolve(file), plugin.resolve(file));
        }

        Run dry = fluentClient(caller, "ssh", "--dry-run", "plugin:reload echo my-echo");
        assertEquals(dry.toString(), "plugin:reload echo " + caller.toRealPath() + "/my-echo\n", dry.out);
        Run ids = fluentClient(caller, "ssh", "--dry-run", "plugin:run my-echo my-echo --flow my-echo");
        assertEquals(ids.toString(), "plugin:run " + caller.toRealPath() + "/my-echo my-echo --flow my-echo\n", ids.out);

        Files.createDirectories(caller.resolve("out"));
        Run pack = fluentClient(caller, "ssh", "--dry-run", "plugin:package --group org.example --output out my-echo");
        assertEquals(pack.toString(), "plugin:package --group org.example --output " + caller.toRealPath() + "/out "
                + caller.toRealPath() + "/my-echo\n", pack.out);

        Run validate = fluentClient(caller, onPath("ssh") ? "ssh" : "karaf", "plugin:validate my-echo");
        assertEquals(validate.toString(), 0, validate.status);
        assertTrue(validate.toString(), validate.out.contains("passes every load check"));
    }

    /** What one run of bin/fluent-client printed and returned. */
    private record Run(int status, String out, String err) {
    }

    /** Runs the distribution's bin/fluent-client in {@code folder}, as an operator's script would. */
    private static Run fluentClient(Path folder, String client, String... arguments) throws IOException,
            InterruptedException {
        Path script = Paths.get(System.getProperty("karaf.home"), "bin", "fluent-client");
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
        builder.environment().put("FLUENT_CLIENT", client);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = Files.createTempFile(folder, "out", ".txt");
        Path err = Files.createTempFile(folder, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/fluent-client " + String.join(" ", arguments) + " did not end");
        }
        Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Paths.get(dir, program)));
    }

    private static JsonNode only(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.get(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }
}
