package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry through its real path: real plugin folders, real Chicory, no OSGi framework. */
class PluginRuntimeTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.addAuditSink(audit::add);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    private PluginException failsWith(ErrorCode code, ThrowingRunnable action) {
        PluginException e = assertThrows(PluginException.class, action::run);
        assertEquals(code, e.code(), () -> "expected " + code + " but got " + e);
        return e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private EngineResponse echo(String payload) throws PluginException {
        return runtime.execute("echo", EngineRequest.of(payload));
    }

    @Test
    void loadsEchoAndAnswersWithThePayloadAndUsage() throws Exception {
        PluginInfo info = runtime.load(Fixtures.echo());
        assertEquals("echo", info.id());
        EngineResponse response = echo("hello brave new world");
        assertEquals("hello brave new world", response.content());
        assertEquals("echo", response.model());
        assertEquals("stop", response.finishReason());
        assertEquals(4, response.usage().promptTokens());
        assertEquals(8, response.usage().totalTokens());
        assertEquals(1, runtime.find("echo").orElseThrow().executions());
    }

    @Test
    void echoesUnicodeAndJsonSpecialCharacters() throws Exception {
        runtime.load(Fixtures.echo());
        String payload = "quote \" backslash \\ newline \n tab \t emoji \uD83D\uDE80 é 日本";
        assertEquals(payload, echo(payload).content());
    }

    @Test
    void auditsLoadExecuteAndUnload() throws Exception {
        runtime.load(Fixtures.echo());
        echo("x");
        runtime.unload("echo");
        List<String> actions = audit.stream().map(e -> e.action() + ":" + e.success()).toList();
        assertEquals(List.of("load:true", "owner:true", "execute:true", "unload:true"), actions);
    }

    @Test
    void refusesASecondLoadOfTheSameId() throws Exception {
        runtime.load(Fixtures.echo());
        failsWith(ErrorCode.ALREADY_LOADED, () -> runtime.load(Fixtures.copy(Fixtures.echo(), temp.resolve("again"))));
        assertEquals("hello", echo("hello").content());
    }

    @Test
    void unloadRemovesThePlugin() throws Exception {
        runtime.load(Fixtures.echo());
        runtime.unload("echo");
        assertTrue(runtime.list().isEmpty());
        failsWith(ErrorCode.NOT_LOADED, () -> echo("x"));
        failsWith(ErrorCode.NOT_LOADED, () -> runtime.unload("echo"));
    }

    @Test
    void refusesAFolderWithoutManifest() throws Exception {
        Files.createDirectories(temp.resolve("empty"));
        failsWith(ErrorCode.MANIFEST_MISSING, () -> runtime.load(temp.resolve("empty")));
        failsWith(ErrorCode.PLUGIN_NOT_FOUND, () -> runtime.load(temp.resolve("nowhere")));
    }

    @Test
    void refusesAFolderWithoutModule() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Files.delete(folder.resolve("plugin.wasm"));
        failsWith(ErrorCode.WASM_MISSING, () -> runtime.load(folder));
    }

    @Test
    void refusesATamperedModule() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        wasm[wasm.length - 1] ^= 1;
        Files.write(folder.resolve("plugin.wasm"), wasm);
        PluginException e = failsWith(ErrorCode.CHECKSUM_MISMATCH, () -> runtime.load(folder));
        assertTrue(e.getMessage().contains(IntegrityChecks.sha256(wasm)), e.getMessage());
        AuditEvent last = audit.get(audit.size() - 1);
        assertEquals("load", last.action());
        assertEquals("CHECKSUM_MISMATCH", last.details().get("code"));
    }

    @Test
    void refusesAManifestWithoutChecksum() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> m.remove("checksum"));
        failsWith(ErrorCode.CHECKSUM_MISSING, () -> runtime.load(folder));
    }

    @Test
    void refusesAnInvalidManifestNamingTheField() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> m.put("max_memory", 12));
        PluginException e = failsWith(ErrorCode.MANIFEST_INVALID, () -> runtime.load(folder));
        assertTrue(e.getMessage().contains("max_memory"), e.getMessage());
    }

    @Test
    void refusesAnExpiredPlugin() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> {
            m.put("created_at", "2020-01-01T00:00:00Z");
            m.put("expires_at", "2021-01-01T00:00:00Z");
        });
        failsWith(ErrorCode.EXPIRED, () -> runtime.load(folder));
    }

    @Test
    void refusesAPluginNotValidYet() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> {
            m.put("created_at", "2099-01-01T00:00:00Z");
            m.put("expires_at", "2100-01-01T00:00:00Z");
        });
        failsWith(ErrorCode.NOT_YET_VALID, () -> runtime.load(folder));
    }

    @Test
    void refusesBytesThatAreNotWebAssembly() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("garbage"));
        Fixtures.replaceWasm(folder, "definitely not a wasm module".getBytes());
        failsWith(ErrorCode.WASM_INVALID, () -> runtime.load(folder));
    }

    @Test
    void refusesATruncatedModule() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("truncated"));
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        Fixtures.replaceWasm(folder, java.util.Arrays.copyOf(wasm, wasm.length / 2));
        failsWith(ErrorCode.WASM_INVALID, () -> runtime.load(folder));
    }

    @Test
    void refusesAnImportThePlatformDoesNotOffer() {
        PluginException e = failsWith(ErrorCode.IMPORT_NOT_ALLOWED,
                () -> runtime.load(Fixtures.hostile("forbidden-import")));
        assertTrue(e.getMessage().contains("env.system"), e.getMessage());
    }

    @Test
    void refusesAModuleWithoutTheAbi() {
        PluginException e = failsWith(ErrorCode.ABI_MISMATCH, () -> runtime.load(Fixtures.hostile("no-abi")));
        assertTrue(e.getMessage().contains("fluent_abi_version"), e.getMessage());
    }

    @Test
    void stopsALoopAtItsDeadlineAndKeepsServingOthers() throws Exception {
        runtime.load(Fixtures.echo());
        runtime.load(Fixtures.hostile("loop"));
        long started = System.nanoTime();
        failsWith(ErrorCode.TIMEOUT, () -> runtime.execute("hostile-loop", EngineRequest.of("x")));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 5_000, "timeout took " + tookMs + " ms");
        assertEquals("still here", echo("still here").content());
        assertEquals(1, runtime.find("hostile-loop").orElseThrow().failures());
    }

    @Test
    void capsMemoryAtTheManifestLimit() throws Exception {
        runtime.load(Fixtures.hostile("memory-bomb"));
        PluginException e = failsWith(ErrorCode.MEMORY_LIMIT,
                () -> runtime.execute("hostile-memory-bomb", EngineRequest.of("x")));
        assertTrue(e.getMessage().contains("max_memory_mb=4"), e.getMessage());
    }

    @Test
    void stopsUnboundedRecursion() throws Exception {
        runtime.load(Fixtures.echo());
        runtime.load(Fixtures.hostile("deep-recursion"));
        failsWith(ErrorCode.STACK_EXHAUSTED, () -> runtime.execute("hostile-deep-recursion", EngineRequest.of("x")));
        assertEquals("ok", echo("ok").content());
    }

    @Test
    void reportsAWildResponsePointer() throws Exception {
        runtime.load(Fixtures.hostile("wild-pointer"));
        failsWith(ErrorCode.BAD_RESPONSE, () -> runtime.execute("hostile-wild-pointer", EngineRequest.of("x")));
    }

    @Test
    void reportsATrap() throws Exception {
        runtime.load(Fixtures.hostile("trap"));
        failsWith(ErrorCode.TRAP, () -> runtime.execute("hostile-trap", EngineRequest.of("x")));
    }

    @Test
    void carriesThePluginsOwnError() throws Exception {
        runtime.load(Fixtures.hostile("plugin-error"));
        PluginException e = failsWith(ErrorCode.PLUGIN_ERROR,
                () -> runtime.execute("hostile-plugin-error", EngineRequest.of("x")));
        assertEquals("QUOTA", e.pluginCode());
        assertTrue(e.getMessage().contains("out of quota"), e.getMessage());
        AuditEvent last = audit.get(audit.size() - 1);
        assertEquals("PLUGIN_ERROR", last.details().get("code"));
        assertEquals("QUOTA", last.details().get("plugin_code"));
    }

    @Test
    void servesConcurrentCallersWithSeparateInstances() throws Exception {
        runtime.load(Fixtures.echo());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String payload = "request " + i;
                results.add(callers.submit(() -> echo(payload).content()));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("request " + i, results.get(i).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void startsEveryExecutionFromTheInstantiatedState() throws Exception {
        runtime.load(Fixtures.hostile("stateful"));
        for (int i = 0; i < 20; i++) {
            assertEquals("g=1 m=1", runtime.execute("hostile-stateful", EngineRequest.of("x")).content());
        }
    }

    @Test
    void isolatesRequestsAcrossConcurrentCallers() throws Exception {
        runtime.load(Fixtures.hostile("stateful"));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(callers.submit(() -> runtime.execute("hostile-stateful", EngineRequest.of("x")).content()));
            }
            for (Future<String> result : results) {
                assertEquals("g=1 m=1", result.get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void discardsAnInstanceThatTimedOutAndServesTheNextRequest() throws Exception {
        runtime.load(Fixtures.hostile("loop"));
        failsWith(ErrorCode.TIMEOUT, () -> runtime.execute("hostile-loop", EngineRequest.of("x")));
        failsWith(ErrorCode.TIMEOUT, () -> runtime.execute("hostile-loop", EngineRequest.of("x")));
        assertTrue(!Thread.currentThread().isInterrupted(), "the caller's thread is left clean");
    }

    @Test
    void leavesTheCallersThreadUninterruptedAfterManyExecutions() throws Exception {
        runtime.load(Fixtures.echo());
        for (int i = 0; i < 500; i++) {
            echo("x");
            assertTrue(!Thread.currentThread().isInterrupted());
        }
    }

    @Test
    void compilesOncePerChecksumAndReusesTheCompiledModuleOnDisk() throws Exception {
        Path cache = temp.resolve("data");
        PluginRuntime first = Fixtures.developmentRuntime(cache);
        try {
            first.load(Fixtures.echo());
        } finally {
            first.deactivate();
        }
        PluginRuntime second = Fixtures.developmentRuntime(cache);
        try {
            second.load(Fixtures.echo());
            assertEquals("from the cache", second.execute("echo", EngineRequest.of("from the cache")).content());
            assertEquals(1, second.compileCache().diskHits());
            assertEquals(0, second.compileCache().compilations());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void discardsACorruptedCompileCacheEntryAndRecompiles() throws Exception {
        Path cache = temp.resolve("data");
        PluginRuntime first = Fixtures.developmentRuntime(cache);
        first.load(Fixtures.echo());
        first.deactivate();
        try (var entries = Files.list(cache.resolve("compile-cache"))) {
            for (Path entry : entries.filter(p -> p.toString().endsWith(".classes")).toList()) {
                byte[] bytes = Files.readAllBytes(entry);
                bytes[bytes.length / 2] ^= 0x5A;
                Files.write(entry, bytes);
            }
        }
        PluginRuntime second = Fixtures.developmentRuntime(cache);
        try {
            second.load(Fixtures.echo());
            assertEquals(1, second.compileCache().rejected());
            assertEquals(1, second.compileCache().compilations());
            assertEquals("recompiled", second.execute("echo", EngineRequest.of("recompiled")).content());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void countsExecutionsFailuresByKindLatencyMemoryAndBytes() throws Exception {
        runtime.load(Fixtures.echo());
        runtime.load(Fixtures.hostile("loop"));
        for (int i = 0; i < 5; i++) {
            echo("twelve bytes");
        }
        failsWith(ErrorCode.TIMEOUT, () -> runtime.execute("hostile-loop", EngineRequest.of("x")));
        var echoStats = runtime.stats("echo").orElseThrow();
        assertEquals(5, echoStats.executions());
        assertEquals(5, echoStats.successes());
        assertEquals(0, echoStats.failureCount());
        assertTrue(echoStats.latencyP50Micros() > 0 && echoStats.latencyMaxMicros() >= echoStats.latencyP99Micros());
        assertTrue(echoStats.memoryHighWaterBytes() >= 17 * 65536, "echo starts with 17 pages");
        assertTrue(echoStats.bytesIn() > 5 * 12 && echoStats.bytesOut() > 5 * 12);
        assertTrue(echoStats.lastUsed() != null);
        var loopStats = runtime.stats("hostile-loop").orElseThrow();
        assertEquals(1, loopStats.failuresOf(ErrorCode.TIMEOUT));
        assertEquals(0, loopStats.successes());
    }

    @Test
    void keepsStatisticsAcrossAReload() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        runtime.load(folder);
        echo("one");
        runtime.reload("echo");
        echo("two");
        assertEquals(2, runtime.stats("echo").orElseThrow().executions());
    }
}
