package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload and restart: the lifecycle of a plugin beyond one load. */
class ReloadAndRestartTest {

    @TempDir
    Path temp;

    private final List<PluginRuntime> runtimes = new ArrayList<>();

    private PluginRuntime runtime(Path data) {
        PluginRuntime runtime = Fixtures.developmentRuntime(data);
        runtimes.add(runtime);
        return runtime;
    }

    @AfterEach
    void stop() {
        runtimes.forEach(PluginRuntime::deactivate);
    }

    /** A second version of "echo": the stateful test module under echo's name, so its answers differ. */
    private Path echoVersionTwo() {
        Path folder = Fixtures.copy(Fixtures.hostile("stateful"), temp.resolve("echo-v2"));
        Fixtures.editManifest(folder, m -> {
            m.put("name", "echo");
            m.put("version", "2.0.0");
        });
        return Fixtures.unthrottled(folder);
    }

    private String call(PluginRuntime runtime, String payload) throws PluginException {
        return runtime.execute("echo", EngineRequest.of(payload)).content();
    }

    @Test
    void reloadServesTheNewVersion() throws Exception {
        PluginRuntime runtime = runtime(null);
        Path folder = Fixtures.unthrottled(Fixtures.copy(Fixtures.echo(), temp.resolve("echo"))); // unsigned, as v2
        runtime.load(folder);
        assertEquals("hi", call(runtime, "hi"));
        assertEquals("2.0.0", runtime.reload("echo", echoVersionTwo()).manifest().version());
        assertEquals("g=1 m=1", call(runtime, "hi"));
        assertEquals("2.0.0", runtime.find("echo").orElseThrow().manifest().version());
    }

    @Test
    void aBrokenNewVersionLeavesTheOldOneServing() throws Exception {
        PluginRuntime runtime = runtime(null);
        runtime.load(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        Path broken = echoVersionTwo();
        Files.write(broken.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 9});
        PluginException e = assertThrows(PluginException.class, () -> runtime.reload("echo", broken));
        assertEquals(ErrorCode.CHECKSUM_MISMATCH, e.code());
        assertEquals("still v1", call(runtime, "still v1"));
        assertEquals("1.0.0", runtime.find("echo").orElseThrow().manifest().version());
    }

    @Test
    void refusesAReloadThatRenamesThePlugin() throws Exception {
        PluginRuntime runtime = runtime(null);
        runtime.load(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.reload("echo", Fixtures.hostile("stateful")));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertEquals("ok", call(runtime, "ok"));
    }

    @Test
    void reloadsRepeatedlyWhileTwoThreadsExecuteWithoutASingleFailure() throws Exception {
        PluginRuntime runtime = runtime(null);
        Path v1 = Fixtures.unthrottled(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        // Two builds of one version: swapping them back and forth is no downgrade.
        Fixtures.editManifest(v1, m -> m.put("version", "2.0.0"));
        Path v2 = echoVersionTwo();
        runtime.load(v1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger executed = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            loops.add(callers.submit(() -> {
                while (running.get()) {
                    String answer = call(runtime, "x");
                    assertTrue(answer.equals("x") || answer.equals("g=1 m=1"), answer);
                    executed.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (int i = 0; i < 20; i++) {
                runtime.reload("echo", i % 2 == 0 ? v2 : v1);
            }
        } finally {
            running.set(false);
        }
        for (Future<?> loop : loops) {
            loop.get(); // rethrows the first failed execution, if any
        }
        callers.shutdown();
        assertTrue(executed.get() > 0);
    }

    @Test
    void pluginsLoadedByCommandAreLoadedAgainAfterARestart() throws Exception {
        Path data = temp.resolve("data");
        PluginRuntime first = runtime(data);
        first.load(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        first.load(Fixtures.hostile("stateful"), false);
        first.deactivate();
        runtimes.remove(first);

        PluginRuntime second = runtime(data);
        second.restoreRemembered();
        assertEquals("back", call(second, "back"));
        assertTrue(second.find("hostile-stateful").isEmpty(), "a plugin loaded without remember is not restored");
        assertEquals(1, second.compileCache().diskHits(), "the restart took the compiled module from disk");
    }

    @Test
    void aCacheEntryThatPassesItsCheckButCannotBeUsedIsDroppedAndTheModuleCompiledAgain() throws Exception {
        Path data = temp.resolve("data");
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        PluginRuntime first = runtime(data);
        String checksum = first.load(echo, false).manifest().checksum();
        first.deactivate();
        runtimes.remove(first);
        // An entry with a valid MAC but classes no JVM can load (as after a change the MAC cannot see).
        CompileCache forger = new CompileCache(data.resolve("compile-cache"));
        Files.delete(data.resolve("compile-cache").resolve(Files.list(data.resolve("compile-cache"))
                .filter(p -> p.toString().endsWith(".classes")).findFirst().orElseThrow().getFileName()));
        forger.store(checksum, "not a class archive".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(forger.lookup(checksum).diskClasses() != null, "the forged entry passes the integrity check");

        PluginRuntime second = runtime(data);
        second.load(echo, false);
        assertEquals("still works", call(second, "still works"));
        assertEquals(1, second.compileCache().rejected(), "the unusable entry was dropped");
        assertEquals(1, second.compileCache().compilations(), "the module was compiled again");
        PluginRuntime third = runtime(data);
        third.load(echo, false);
        assertEquals(1, third.compileCache().diskHits(), "and the new entry serves the next restart");
        assertEquals("again", call(third, "again"));
    }

    @Test
    void theRestoreAfterBootLoadsOnlyWhatWasRememberedAtStartAndIsStillNeitherForgottenNorLoaded() throws Exception {
        Path data = temp.resolve("data");
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        PluginRuntime first = runtime(data);
        first.load(echo);
        first.deactivate();
        runtimes.remove(first);

        // Boot finishes late: meanwhile echo was loaded and unloaded by command, and kv-counter loaded.
        PluginRuntime second = runtime(data);
        second.load(echo);
        second.unload("echo");
        second.load(Fixtures.examples().resolve("kv-counter"));
        second.restoreRemembered();
        assertTrue(second.find("echo").isEmpty(), "unloaded since the start: not loaded again");

        PluginRuntime third = runtime(data);
        third.load(Fixtures.examples().resolve("kv-counter"));
        third.restoreRemembered(); // kv-counter is remembered and loaded already: no ALREADY_LOADED attempt
        assertEquals(1, third.list().size());
    }

    @Test
    void anUnloadedPluginIsNotLoadedAgainAfterARestart() throws Exception {
        Path data = temp.resolve("data");
        PluginRuntime first = runtime(data);
        first.load(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        first.unload("echo");
        first.deactivate();
        runtimes.remove(first);

        PluginRuntime second = runtime(data);
        second.restoreRemembered();
        assertTrue(second.list().isEmpty());
    }

    @Test
    void lazyModeCompilesOnFirstUse() throws Exception {
        PluginRuntime runtime = runtime(null);
        runtime.configure(true, true);
        runtime.load(Fixtures.echo());
        assertEquals(0, runtime.compileCache().compilations(), "nothing compiled at load");
        assertEquals("lazy", call(runtime, "lazy"));
        assertEquals(1, runtime.compileCache().compilations());
        assertEquals("again", call(runtime, "again"));
        assertEquals(1, runtime.compileCache().compilations());
    }

    @Test
    void lazyModeStillRefusesAModuleWithoutTheAbiAtFirstUse() throws Exception {
        PluginRuntime runtime = runtime(null);
        runtime.configure(true, true);
        PluginException e = assertThrows(PluginException.class, () -> runtime.load(Fixtures.hostile("no-abi")));
        assertEquals(ErrorCode.ABI_MISMATCH, e.code(), "the export checks need no compilation and still run at load");
    }
}
