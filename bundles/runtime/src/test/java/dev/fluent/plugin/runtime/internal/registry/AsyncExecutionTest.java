package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.execute.AsyncExecutor;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import dev.fluent.plugin.runtime.internal.testing.Signing;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsyncExecutionTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

    private PluginRuntime runtime(int threads, int queue) {
        runtime = new PluginRuntime(null, new JsonManifestParser(), Clock.systemUTC(), null,
                new AsyncExecutor(threads, queue));
        runtime.configure(true, false);
        runtime.executionServices().rateLimits(false);
        runtime.setTrustStore(Signing.developmentTrust());
        runtime.addAuditSink(audit::add);
        return runtime;
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.deactivate();
        }
    }

    /** The loop plugin with a deadline long enough that only a cancel can end it in a test's time. */
    private void loadSlowLoop() throws PluginException {
        Path loop = Fixtures.copy(Fixtures.hostile("loop"), temp.resolve("loop"));
        Fixtures.editManifest(loop, m -> ((ObjectNode) m.get("permissions")).put("max_execution_time_ms", 30_000));
        runtime.load(loop, false);
    }

    private static PluginException failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(PluginException.class, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the execution did not end", e);
        }
        throw new AssertionError("the execution succeeded");
    }

    private List<AuditEvent> executions(String id) {
        return audit.stream().filter(e -> e.action().equals("execute") && id.equals(e.pluginId())).toList();
    }

    @Test
    void answersAsExecuteDoesWithOneAuditEntryPerCall() throws Exception {
        runtime(2, 4).load(Fixtures.echo(), false);
        EngineResponse sync = runtime.execute("echo", EngineRequest.of("hello"));
        EngineResponse async = runtime.executeAsync("echo", EngineRequest.of("hello")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(sync.content(), async.content());
        assertEquals(2, executions("echo").size(), audit::toString);
        assertEquals(2, runtime.stats("echo").orElseThrow().executions());
    }

    @Test
    void honoursThePluginsDeadline() throws Exception {
        runtime(2, 4).load(Fixtures.hostile("loop"), false);
        long started = System.nanoTime();
        PluginException e = failure(runtime.executeAsync("hostile-loop", EngineRequest.of("x")).toCompletableFuture());
        assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= 450 && millis < 5_000, "stopped at its 500 ms deadline, after " + millis + " ms");
        assertEquals(ErrorCode.TIMEOUT.name(), executions("hostile-loop").get(0).details().get("code"));
    }

    @Test
    void cancellingStopsTheGuestAndIsAuditedAsCancelled() throws Exception {
        runtime(1, 4);
        runtime.load(Fixtures.echo(), false);
        loadSlowLoop();
        CompletableFuture<EngineResponse> running = runtime.executeAsync("hostile-loop", EngineRequest.of("x"))
                .toCompletableFuture();
        Thread.sleep(300);
        long cancelled = System.nanoTime();
        assertTrue(running.cancel(true));
        assertThrows(CancellationException.class, running::join);
        // The one thread is free again well before the 30 s deadline: the guest was stopped.
        EngineResponse next = runtime.executeAsync("echo", EngineRequest.of("after")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals("after", next.content());
        assertTrue((System.nanoTime() - cancelled) / 1_000_000 < 5_000);
        List<AuditEvent> loop = executions("hostile-loop");
        assertEquals(1, loop.size(), loop::toString);
        assertEquals(ErrorCode.CANCELLED.name(), loop.get(0).details().get("code"));
        assertEquals(1L, runtime.stats("hostile-loop").orElseThrow().failures().get(ErrorCode.CANCELLED));
        assertEquals(false, Thread.currentThread().isInterrupted());
    }

    @Test
    void aFullExecutorRefusesAtOnceWithBusyAndAQueuedCancelNeverRuns() throws Exception {
        runtime(1, 1);
        loadSlowLoop();
        CompletableFuture<EngineResponse> running = runtime.executeAsync("hostile-loop", EngineRequest.of("1"))
                .toCompletableFuture();
        CompletableFuture<EngineResponse> queued = runtime.executeAsync("hostile-loop", EngineRequest.of("2"))
                .toCompletableFuture();
        CompletableFuture<EngineResponse> refused = runtime.executeAsync("hostile-loop", EngineRequest.of("3"))
                .toCompletableFuture();
        assertTrue(refused.isCompletedExceptionally(), "refused without waiting");
        assertEquals(ErrorCode.BUSY, failure(refused).code());
        assertTrue(queued.cancel(true));
        assertTrue(running.cancel(true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (executions("hostile-loop").size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<String> codes = executions("hostile-loop").stream().map(e -> e.details().get("code")).sorted().toList();
        assertEquals(List.of("BUSY", "CANCELLED", "CANCELLED"), codes, audit::toString);
    }

    @Test
    void anUnknownPluginFailsWithNotLoaded() throws Exception {
        PluginException e = failure(runtime(1, 1).executeAsync("nothing", EngineRequest.of("x")).toCompletableFuture());
        assertEquals(ErrorCode.NOT_LOADED, e.code());
    }
}
