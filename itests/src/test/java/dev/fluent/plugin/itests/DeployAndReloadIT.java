package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentities;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Change without restart, in the real distribution: the watched folder loads, reloads and unloads;
 * plugin:reload swaps versions with executions running; a broken version leaves the old one serving;
 * plugins loaded by command come back when the runtime restarts, from the compile cache.
 *
 * <p>The second version of echo used here is the stateful test module renamed, unsigned: this container
 * runs in development mode (the base class's default).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployAndReloadIT extends PlatformTestSupport {

    private PluginRegistry registry() {
        return waitForService(PluginRegistry.class);
    }

    private Path watched() throws IOException {
        return Files.createDirectories(Paths.get(System.getProperty("karaf.base"), WATCHED_FOLDER));
    }

    private Path scratch(String name) throws IOException {
        return Files.createDirectories(Paths.get(System.getProperty("karaf.data"), "it-scratch", name));
    }

    private static void copyPlugin(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        // plugin.wasm first, manifest.json last: the watcher sees a complete plugin or none.
        Files.copy(from.resolve("plugin.wasm"), to.resolve("plugin.wasm"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.resolve("manifest.json"), to.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Version 2 of echo: another module, another version, echo's name. */
    private Path echoVersionTwo() throws IOException {
        Path v2 = scratch("echo-v2");
        copyPlugin(pluginFolder("hostile/stateful"), v2);
        edit(v2, m -> m.replace("\"hostile-stateful\"", "\"echo\"").replace("\"1.0.0\"", "\"2.0.0\""));
        return v2;
    }

    /**
     * Edits a copied manifest, lifting its rate limit (the reload test executes in a tight loop) and
     * dropping the signature the edit breaks.
     */
    private static void edit(Path folder, java.util.function.UnaryOperator<String> change) throws IOException {
        String manifest = change.apply(Files.readString(folder.resolve("manifest.json")))
                .replaceAll("\"rate_limit_requests_per_minute\": *[0-9]+", "\"rate_limit_requests_per_minute\": 60000")
                .replaceAll(",\\s*\"signature\": *\"[^\"]*\"", "");
        Files.writeString(folder.resolve("manifest.json"), manifest);
    }

    private void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private String answer(String payload) {
        try {
            return registry().execute("echo", EngineRequest.of(payload)).content();
        } catch (PluginException e) {
            return e.toString();
        }
    }

    @After
    public void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(watched())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(watched())) {
                    Files.delete(p);
                }
            }
        }
        waitFor("the watched folder's plugins to go", () -> registry().find("echo").isEmpty()
                || !registry().find("echo").get().source().startsWith(Paths.get(System.getProperty("karaf.data"))));
        if (registry().find("echo").isPresent()) {
            registry().unload("echo");
        }
        // Each test drops its own versions of echo, signed and unsigned: its identity starts afresh.
        PluginIdentities identities = waitForService(PluginIdentities.class);
        if (identities.identity("echo").isPresent()) {
            identities.release("echo");
        }
    }

    /**
     * A folder dropped with control characters in its name (an ESC sequence that clears the screen, a line
     * feed that starts a forged row) reaches the audit log as the refused load's resource; plugin:audit
     * shows it escaped.
     */
    @Test
    public void aDroppedFolderNamedToForgeOutputIsShownEscaped() throws Exception {
        Path forged = watched().resolve("x\u001b[2J\nFORGED");
        Files.createDirectories(forged);
        Files.writeString(forged.resolve("manifest.json"), "{}");
        Files.write(forged.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        try {
            AuditLog audit = waitForService(AuditLog.class);
            waitFor("the refused load to be audited", () -> audit.query(AuditQuery.builder().action("load")
                    .failedOnly(true).build()).stream().anyMatch(r -> String.valueOf(r.resource()).contains("FORGED")));
            // The log keeps the name as it is; the shell shows it escaped, on one row.
            String table = executeCommand("plugin:audit --failed --action load");
            assertTrue(table, table.contains("FAILED"));
            assertFalse("no ESC reaches the terminal: " + table, table.contains("\u001b"));
            assertFalse("no forged row: " + table, table.lines().anyMatch(line -> line.startsWith("FORGED")));
        } finally {
            try (Stream<Path> files = Files.list(forged)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(forged);
        }
    }

    @Test
    public void theWatchedFolderLoadsReloadsAndUnloads() throws Exception {
        Path echo = watched().resolve("echo");
        copyPlugin(pluginFolder("echo"), echo);
        waitFor("echo to be deployed", () -> registry().find("echo").isPresent());
        assertEquals("dropped in", answer("dropped in"));

        // Someone who can write here drops an unsigned echo 2.0.0 over the signed one: echo belongs to the
        // development key, so the reload is refused, audited with both owners, and 1.0.0 keeps serving.
        Path unsigned = echoVersionTwo();
        copyPlugin(unsigned, echo);
        AuditLog audit = waitForService(AuditLog.class);
        waitFor("the takeover to be refused", () -> audit.query(AuditQuery.builder().pluginId("echo")
                .action("reload").limit(1).build()).stream()
                .anyMatch(r -> !r.success() && "OWNER_MISMATCH".equals(r.details().get("code"))
                        && PluginIdentity.UNSIGNED.equals(r.details().get("signed_by"))));
        assertEquals("still 1.0.0", answer("still 1.0.0"));

        // The owner's own 2.0.0 replaces it.
        executeCommand("plugin:sign --key " + pluginFolder("keys").resolve("dev-signing-key.pem") + " " + unsigned);
        copyPlugin(unsigned, echo);
        waitFor("echo 2.0.0 to be deployed",
                () -> registry().find("echo").map(i -> i.manifest().version().equals("2.0.0")).orElse(false));
        assertEquals("g=1 m=1", answer("anything"));

        // A broken new version: the old one keeps serving.
        Files.write(echo.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 42});
        Thread.sleep(1_500);
        assertEquals("g=1 m=1", answer("anything"));
        assertEquals("2.0.0", registry().find("echo").orElseThrow().manifest().version());

        try (Stream<Path> files = Files.list(echo)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(echo);
        waitFor("echo to be undeployed", () -> registry().find("echo").isEmpty());
    }

    @Test
    public void reloadsTwentyTimesWhileTwoThreadsExecuteWithoutAFailure() throws Exception {
        Path v1 = scratch("echo-v1");
        copyPlugin(pluginFolder("echo"), v1);
        edit(v1, m -> m);
        Path v2 = echoVersionTwo();
        executeCommand("plugin:load " + v1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger executed = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            loops.add(callers.submit(() -> {
                PluginRegistry registry = registry();
                while (running.get()) {
                    String answer;
                    try {
                        answer = registry.execute("echo", EngineRequest.of("x")).content();
                    } catch (PluginException e) {
                        if (e.code() != ErrorCode.RATE_LIMITED) {
                            throw e;
                        }
                        // Two callers in a tight loop can outrun the manifest's highest rate (60,000 a
                        // minute) while one version serves: a refusal before the run, not a failed swap.
                        Thread.sleep(1);
                        continue;
                    }
                    if (!answer.equals("x") && !answer.equals("g=1 m=1")) {
                        throw new AssertionError("unexpected answer " + answer);
                    }
                    executed.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (int i = 0; i < 20; i++) {
                String out = executeCommand("plugin:reload echo " + (i % 2 == 0 ? v2 : v1));
                assertTrue(out, out.startsWith("Reloaded echo"));
            }
        } finally {
            running.set(false);
        }
        for (Future<?> loop : loops) {
            loop.get(30, TimeUnit.SECONDS); // rethrows the first failed execution, if any
        }
        callers.shutdownNow();
        assertTrue("executions ran during the reloads", executed.get() > 0);
        executeCommand("plugin:unload echo");
    }

    @Test
    public void pluginsLoadedByCommandComeBackWhenTheRuntimeRestarts() throws Exception {
        Path v1 = scratch("echo-restart");
        copyPlugin(pluginFolder("echo"), v1);
        executeCommand("plugin:load " + v1);
        Bundle runtime = platformBundles().get("dev.fluent.plugin.runtime");
        runtime.stop();
        runtime.start();
        waitFor("echo to be loaded again", () -> {
            try {
                return registry().find("echo").isPresent();
            } catch (AssertionError notYet) {
                return false;
            }
        });
        assertEquals("back again", answer("back again"));
        Path cache = Paths.get(System.getProperty("karaf.data"), "fluent-plugin", "compile-cache");
        try (Stream<Path> entries = Files.list(cache)) {
            assertTrue("compiled modules are kept on disk", entries.anyMatch(p -> p.toString().endsWith(".classes")));
        }
        executeCommand("plugin:unload echo");
    }
}
