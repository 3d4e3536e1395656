package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.Engine;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole path in the real distribution: plugin:load, plugin:execute, the Engine service seen by another
 * bundle (this test probe), plugin:unload; and hostile plugins stopped within their limits while echo
 * keeps answering.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginLifecycleIT extends PlatformTestSupport {

    @After
    public void unloadEverything() throws Exception {
        PluginRegistry registry = waitForService(PluginRegistry.class);
        for (String id : List.of("echo", "warm-echo", "hostile-loop", "hostile-memory-bomb", "hostile-deep-recursion",
                "hostile-log-flood")) {
            if (registry.find(id).isPresent()) {
                executeCommand("plugin:unload " + id);
            }
        }
    }

    private void load(String example) {
        String out = executeCommand("plugin:load " + pluginFolder(example));
        assertTrue(out, out.startsWith("Loaded "));
    }

    /** Runs a command that must fail; returns the one line it failed with. */
    private String failure(String command) {
        try {
            String out = executeCommand(command);
            fail("'" + command + "' should have failed but printed: " + out);
            return null;
        } catch (AssertionError expected) {
            return String.valueOf(expected.getCause() != null ? expected.getCause().getMessage() : expected.getMessage());
        }
    }

    @Test
    public void loadsExecutesShowsAndUnloadsEchoFromTheShell() {
        load("echo");
        String list = executeCommand("plugin:list");
        assertTrue(list, list.contains("echo") && list.contains("1.0.0"));

        assertEquals("hello plugin world", executeCommand("plugin:execute echo \"hello plugin world\"").trim());
        String json = executeCommand("plugin:execute --json --flow demo echo \"one two three\"");
        assertTrue(json, json.contains("\"total_tokens\" : 6") && json.contains("\"model\" : \"echo\""));

        String show = executeCommand("plugin:show echo");
        assertTrue(show, show.contains("Checksum") && show.contains("Max memory"));

        assertTrue(executeCommand("plugin:unload echo").contains("Unloaded echo"));
        assertFalse(executeCommand("plugin:list").contains("echo "));
        assertTrue(failure("plugin:execute echo hi").contains("NOT_LOADED"));
    }

    /**
     * A manifest's warm-up runs in the container before the engine serves: plugin:show reports its passes, and
     * it ended because the JIT had nothing of the plugin's left to compile (the JVM's compile queue answers inside
     * OSGi), not at its budget.
     */
    @Test
    public void warmsUpEchoAsItsManifestDeclaresBeforeItServes() throws Exception {
        Path copy = Files.createTempDirectory("warm-echo").resolve("warm-echo");
        Files.createDirectories(copy);
        Files.copy(pluginFolder("echo").resolve("plugin.wasm"), copy.resolve("plugin.wasm"));
        String manifest = Files.readString(pluginFolder("echo").resolve("manifest.json"), StandardCharsets.UTF_8)
                .replaceAll("\\s*\"signature\"\\s*:\\s*\"[^\"]*\",", "") // edited, so unsigned: development mode
                .replace("\"name\": \"echo\"", "\"name\": \"warm-echo\"") // a new id: echo's belongs to its signer
                .replace("\"checksum\"", "\"warmup\": [\"warm me up\", \"a second kind of request\"], \"checksum\"");
        Files.writeString(copy.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);

        String out = executeCommand("plugin:load " + copy);
        assertTrue(out, out.startsWith("Loaded "));
        String show = executeCommand("plugin:show warm-echo");
        assertTrue(show, show.contains("Warm-up") && show.contains("2 payloads") && show.contains("passes in"));
        String json = executeCommand("plugin:show --json warm-echo");
        assertTrue(json, json.contains("\"settled\" : true"));
        assertEquals("served after its warm-up",
                executeCommand("plugin:execute warm-echo \"served after its warm-up\"").trim());
    }

    @Test
    public void registersEchoAsAnEngineServiceOthersCanUse() throws Exception {
        load("echo");
        Engine engine = waitForService(Engine.class, "(&(plugin.id=echo)(engine.type=echo))", DEFAULT_TIMEOUT_MILLIS);
        EngineResponse response = engine.execute(new EngineRequest("flow", "from another bundle"));
        assertEquals("from another bundle", response.content());
        Collection<ServiceReference<Engine>> refs = bundleContext.getServiceReferences(Engine.class, "(plugin.id=echo)");
        assertEquals(1, refs.size());
        assertEquals("1.0.0", refs.iterator().next().getProperty(Engine.PLUGIN_VERSION));

        executeCommand("plugin:unload echo");
        assertTrue(bundleContext.getServiceReferences(Engine.class, "(plugin.id=echo)").isEmpty());
    }

    @Test
    public void refusesAFolderThatIsNotAPluginWithOneClearLine() {
        String message = failure("plugin:load " + pluginFolder("hostile"));
        assertTrue(message, message.startsWith("MANIFEST_MISSING"));
        String forbidden = failure("plugin:load " + pluginFolder("hostile/forbidden-import"));
        assertTrue(forbidden, forbidden.startsWith("IMPORT_NOT_ALLOWED") && forbidden.contains("env.system"));
    }

    @Test
    public void stopsHostilePluginsWithinTheirLimitsWhileEchoKeepsAnswering() throws Exception {
        load("echo");
        load("hostile/loop");
        load("hostile/memory-bomb");
        load("hostile/deep-recursion");
        Engine echo = waitForService(Engine.class, "(plugin.id=echo)", DEFAULT_TIMEOUT_MILLIS);

        // Echo serves continuously on another thread while the hostile plugins run, paced below its
        // manifest's rate limit (600 per minute) so that limit never answers instead of the plugin.
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<Integer> answered = caller.submit(() -> {
            int n = 0;
            while (running.get()) {
                assertEquals("ping " + n, echo.execute(EngineRequest.of("ping " + n)).content());
                n++;
                Thread.sleep(100);
            }
            return n;
        });
        try {
            long started = System.nanoTime();
            String timeout = failure("plugin:execute hostile-loop go");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(timeout, timeout.startsWith("TIMEOUT"));
            assertTrue("the 500 ms deadline was enforced within bounds, took " + tookMs, tookMs < 10_000);

            String memory = failure("plugin:execute hostile-memory-bomb go");
            assertTrue(memory, memory.startsWith("MEMORY_LIMIT") && memory.contains("max_memory_mb=4"));

            String stack = failure("plugin:execute hostile-deep-recursion go");
            assertTrue(stack, stack.startsWith("STACK_EXHAUSTED"));
        } finally {
            running.set(false);
        }
        int echoes = answered.get(30, TimeUnit.SECONDS);
        caller.shutdownNow();
        assertTrue("echo answered while the hostile plugins ran", echoes > 0);

        // The hostile plugins are still loaded and fail the same way again; nothing leaked.
        assertTrue(failure("plugin:execute hostile-loop again").startsWith("TIMEOUT"));
        assertEquals("after", executeCommand("plugin:execute echo after").trim());
        List<String> ids = new ArrayList<>();
        for (ServiceReference<Engine> ref : bundleContext.getServiceReferences(Engine.class, null)) {
            ids.add((String) ref.getProperty(Engine.PLUGIN_ID));
        }
        assertTrue(ids.toString(), ids.containsAll(List.of("echo", "hostile-loop", "hostile-memory-bomb")));
        assertNotNull(echo.execute(EngineRequest.of("still")));
    }

    /**
     * A plugin writes 2,000 records of 1 KiB to stdout, each with a forged log line and a terminal escape:
     * the container's log gets them escaped, at most a minute's cap of them, and a line saying the rest were
     * dropped; each execution's audit entry counts what it lost; echo keeps answering.
     */
    @Test
    public void aPluginFloodingItsOutputReachesTheLogEscapedAndCapped() throws Exception {
        load("echo");
        load("hostile/log-flood");
        PluginRegistry registry = waitForService(PluginRegistry.class);
        // The test container logs at WARN; stdout is logged at INFO, as in the distribution.
        executeCommand("log:set INFO dev.fluent.plugin.guest");
        Logger guest = LoggerFactory.getLogger("dev.fluent.plugin.guest.hostile-log-flood");
        long ready = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (!guest.isInfoEnabled() && System.currentTimeMillis() < ready) {
            Thread.sleep(100);
        }
        try {
            for (int i = 0; i < 10; i++) {
                assertEquals("flooded", registry.execute("hostile-log-flood", EngineRequest.of("go")).content());
            }
        } finally {
            executeCommand("log:set DEFAULT dev.fluent.plugin.guest");
        }
        assertEquals("still here", registry.execute("echo", EngineRequest.of("still here")).content());

        Path log = Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        while (lines.stream().noneMatch(l -> l.contains("output over the cap of"))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200); // the log may be written asynchronously
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        }
        long records = lines.stream().filter(l -> l.contains("flood\\u000a2026-12-06 00:00:00 | ERROR | forged\\u001b[2J"))
                .count();
        assertTrue("some output is logged, escaped: " + records, records > 0);
        assertTrue("at most a minute's cap: " + records, records <= 600);
        assertTrue("no forged line", lines.stream().noneMatch(l -> l.startsWith("2026-12-06 00:00:00 | ERROR | forged")));
        assertTrue("no raw escape", lines.stream().noneMatch(l -> l.contains("\u001b[2J")));
        assertTrue("the drop is said", lines.stream().anyMatch(l -> l.contains("output over the cap of 600 records")));
        List<AuditRecord> executions = waitForService(AuditLog.class).query(AuditQuery.builder()
                .pluginId("hostile-log-flood").action("execute").build());
        assertEquals(10, executions.size());
        assertTrue(executions.toString(), executions.stream().allMatch(r -> Integer.parseInt(
                r.details().getOrDefault("output_dropped", "0")) >= 136));
    }

    @Test
    public void reportsStatisticsInTheShellAndOverJmx() throws Exception {
        load("echo");
        load("hostile/loop");
        for (int i = 0; i < 3; i++) {
            executeCommand("plugin:execute echo counted");
        }
        failure("plugin:execute hostile-loop go");

        String one = executeCommand("plugin:stats echo");
        assertTrue(one, one.matches("(?s).*Executions\\s*\\|\\s*3\\b.*") && one.contains("Latency p99"));
        String all = executeCommand("plugin:stats");
        assertTrue(all, all.contains("echo") && all.contains("hostile-loop"));

        // The platform MBean server: the one Karaf's JMX connector serves.
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName loop = new javax.management.ObjectName("dev.fluent.plugin:type=Plugin,name=hostile-loop");
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (!server.isRegistered(loop) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1L, server.getAttribute(loop, "Timeouts"));
        assertEquals(3L, server.getAttribute(new javax.management.ObjectName(
                "dev.fluent.plugin:type=Plugin,name=echo"), "Successes"));
    }
}
