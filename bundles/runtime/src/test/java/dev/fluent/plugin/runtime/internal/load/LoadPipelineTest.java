package dev.fluent.plugin.runtime.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.MemoryBudget;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import dev.fluent.plugin.runtime.internal.testing.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadPipelineTest {

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final Watchdog watchdog = new Watchdog();
    private final CompileCache cache = new CompileCache(null);

    @AfterEach
    void closeWatchdog() {
        watchdog.close();
    }

    private LoadPipeline pipeline(Map<String, String> policySettings) {
        TrustGate trust = new TrustGate(parser);
        trust.setDevelopmentMode(true);
        trust.bind(Signing.developmentTrust());
        OperatorPolicy policy = new OperatorPolicy(policySettings);
        return new LoadPipeline(parser, trust, cache, watchdog, () -> policy, Clock.systemUTC());
    }

    @Test
    void runsItsStepsInTheOrderOfTheLoadPathWithThePolicyBeforeTheCompiler() {
        List<String> steps = pipeline(Map.of()).stepNames();
        assertEquals(List.of("manifest", "validity", "module file", "checksum", "signature", "identity", "module",
                "imports and exports", "policy", "providers", "memory", "compile", "start", "warm-up"), steps);
    }

    @Test
    void aPluginThePolicyRefusesIsNeverCompiled() {
        Path kv = Fixtures.copy(Fixtures.examples().resolve("kv-counter"), temp.resolve("kv-counter"));
        PluginException e = assertThrows(PluginException.class,
                () -> pipeline(Map.of("forbidden_capabilities", "CacheAccess")).load(kv));
        assertEquals(ErrorCode.CAPABILITY_NOT_GRANTED, e.code(), e.getMessage());
        assertEquals(0, cache.compilations(), "the compiler never ran");
        assertNull(cache.lookup(parserChecksum(kv)).memory(), "nothing compiled is cached");

        // The same plugin, allowed: compiled once, started.
        LoadPipeline.Loaded loaded = assertDoesNotThrowLoad(pipeline(Map.of()), kv);
        assertEquals(1, cache.compilations());
        assertNotNull(loaded.warmInstance());
    }

    @Test
    void aPluginOverThePolicysMemoryCapIsRefusedBeforeCompiling() {
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        PluginException e = assertThrows(PluginException.class,
                () -> pipeline(Map.of("max_memory_mb", "1")).load(echo));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code(), e.getMessage());
        assertEquals(0, cache.compilations());
    }

    @Test
    void aPluginWhoseWorstCaseDoesNotFitTheBudgetIsRefusedBeforeCompilingAndHoldsNothing() throws Exception {
        // 300 MiB of heap at 70 %: 210 MiB. echo asks 16 MiB for each of 8 instances, 128 MiB and its code.
        MemoryBudget budget = new MemoryBudget(300L * 1024 * 1024);
        LoadPipeline pipeline = pipeline(Map.of());
        pipeline.setMemoryBudget(budget);
        LoadPipeline.Loaded first = pipeline.load(Fixtures.copy(Fixtures.echo(), temp.resolve("echo")));
        assertNotNull(first.memory());
        assertEquals(budget.reservedBytes(), first.memory().bytes());
        assertEquals(1, cache.compilations());

        Path other = Fixtures.copy(Fixtures.echo(), temp.resolve("other"));
        Fixtures.editManifest(other, m -> m.put("name", "other-echo"));
        PluginException e = assertThrows(PluginException.class, () -> pipeline.load(other));
        assertEquals(ErrorCode.INSUFFICIENT_MEMORY, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("plugin other-echo needs up to 128."), e.getMessage());
        assertEquals(first.memory().bytes(), budget.reservedBytes(), "the refused plugin holds nothing");

        // Once the first lets its share go, the other fits.
        first.memory().release();
        assertEquals(0, budget.reservedBytes());
        assertNotNull(pipeline.load(other).memory());
    }

    @Test
    void aLoadThatFailsAfterItsReservationGivesItBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(1024L * 1024 * 1024);
        LoadPipeline pipeline = pipeline(Map.of());
        pipeline.setMemoryBudget(budget);
        // A caller interrupted while it loads (the files given as bytes, as they are not read then): the memory
        // step passes, the start step refuses to run guest code.
        byte[] manifest = Files.readAllBytes(Fixtures.echo().resolve("manifest.json"));
        byte[] wasm = Files.readAllBytes(Fixtures.echo().resolve("plugin.wasm"));
        Thread.currentThread().interrupt();
        try {
            PluginException e = assertThrows(PluginException.class,
                    () -> pipeline.load(Fixtures.echo(), manifest, wasm));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void inspectReportsEveryProblemOfOnePluginAtOnce() throws Exception {
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(echo, m -> {
            m.put("created_at", "2020-01-01T00:00:00Z");
            m.put("expires_at", "2020-06-01T00:00:00Z");
            m.put("checksum", "0".repeat(64));
            ((ObjectNode) m.get("permissions")).put("max_memory_mb", 64);
        });
        TrustGate strict = new TrustGate(parser);
        strict.bind(Signing.developmentTrust());
        OperatorPolicy policy = new OperatorPolicy(Map.of("max_memory_mb", "32"));
        LoadPipeline.Inspected inspected = new LoadPipeline(parser, strict, cache, watchdog, () -> policy,
                Clock.systemUTC()).inspect(echo);
        List<ErrorCode> codes = inspected.problems().stream().map(PluginException::code).toList();
        assertEquals(List.of(ErrorCode.EXPIRED, ErrorCode.CHECKSUM_MISMATCH, ErrorCode.SIGNATURE_MISSING,
                ErrorCode.LIMIT_EXCEEDED), codes, inspected.problems().toString());
        assertNotNull(inspected.state().module(), "the module was still parsed, for its facts");
        assertEquals(0, cache.compilations(), "a module that is not the one the manifest names is never compiled");
    }

    @Test
    void inspectStillCompilesAndStartsAPluginWhoseOnlyProblemsAreTrustAndPolicy() {
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(echo, m -> ((ObjectNode) m.get("permissions")).put("max_memory_mb", 64));
        TrustGate strict = new TrustGate(parser);
        OperatorPolicy policy = new OperatorPolicy(Map.of("max_memory_mb", "32"));
        LoadPipeline.Inspected inspected = new LoadPipeline(parser, strict, cache, watchdog, () -> policy,
                Clock.systemUTC()).inspect(echo);
        assertEquals(List.of(ErrorCode.SIGNATURE_MISSING, ErrorCode.LIMIT_EXCEEDED),
                inspected.problems().stream().map(PluginException::code).toList());
        assertEquals(1, cache.compilations(), "compiled and started, so a start-up problem would show too");
    }

    @Test
    void inspectOfAFolderWithoutAPluginSaysSoOnce() {
        LoadPipeline.Inspected inspected = pipeline(Map.of()).inspect(temp.resolve("nothing-here"));
        assertEquals(List.of(ErrorCode.PLUGIN_NOT_FOUND),
                inspected.problems().stream().map(PluginException::code).toList());
        assertTrue(inspected.problems().get(0).getMessage().contains("not a plugin folder"));
    }

    @Test
    void refusesPluginFilesThatAreSymbolicLinksOrNotRegularFiles() throws Exception {
        Path linked = Files.createDirectories(temp.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("manifest.json"), Fixtures.echo().resolve("manifest.json"));
        Files.copy(Fixtures.echo().resolve("plugin.wasm"), linked.resolve("plugin.wasm"));
        PluginException e = assertThrows(PluginException.class, () -> pipeline(Map.of()).load(linked));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertTrue(e.getMessage().contains("manifest.json in " + linked + " is a symbolic link"), e.getMessage());

        Path wasmLinked = Fixtures.copy(Fixtures.echo(), temp.resolve("wasm-linked"));
        Files.delete(wasmLinked.resolve("plugin.wasm"));
        Files.createSymbolicLink(wasmLinked.resolve("plugin.wasm"), Fixtures.echo().resolve("plugin.wasm"));
        e = assertThrows(PluginException.class, () -> pipeline(Map.of()).load(wasmLinked));
        assertEquals(ErrorCode.WASM_INVALID, e.code());
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());

        // A FIFO would block whoever opens it for reading: refused before it is opened.
        Path fifo = Fixtures.copy(Fixtures.echo(), temp.resolve("fifo"));
        Files.delete(fifo.resolve("plugin.wasm"));
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.resolve("plugin.wasm").toString())
                .start().waitFor() == 0, "mkfifo is not available");
        e = assertThrows(PluginException.class, () -> pipeline(Map.of()).load(fifo));
        assertEquals(ErrorCode.WASM_INVALID, e.code());
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    private String parserChecksum(Path folder) {
        try {
            return parser.parse(Files.readAllBytes(folder.resolve("manifest.json"))).checksum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static LoadPipeline.Loaded assertDoesNotThrowLoad(LoadPipeline pipeline, Path folder) {
        try {
            return pipeline.load(folder);
        } catch (PluginException e) {
            throw new AssertionError("load failed: " + e, e);
        }
    }

    private Path echoWithWarmup(String... payloads) {
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo-warm"));
        Fixtures.editManifest(echo, m -> {
            var list = m.putArray("warmup");
            for (String p : payloads) {
                list.add(p);
            }
        });
        return echo;
    }

    @Test
    void aLoadWarmsUpWithinItsBudgetAndABudgetOfZeroSkipsTheWarmUp() throws Exception {
        LoadPipeline pipeline = pipeline(Map.of());
        Path echo = echoWithWarmup("hello");
        LoadPipeline.Loaded warmed = pipeline.load(echo);
        assertNotNull(warmed.warmup());
        assertTrue(warmed.warmup().passes() >= 1);
        assertTrue(warmed.warmup().millis() <= warmed.loadMillis());
        assertNotNull(warmed.warmInstance(), "the instance the warm-up ran on goes to the pool, reset");
        assertEquals(Integer.toString(warmed.warmup().passes()), warmed.auditDetails().get("warmup_passes"));

        pipeline.setWarmupBudget(0);
        LoadPipeline.Loaded cold = pipeline.load(echo);
        assertNull(cold.warmup());
        assertEquals(List.of("load_ms"), List.copyOf(cold.auditDetails().keySet()));
    }

    @Test
    void anInspectionRunsEachPayloadOnceAndReportsOneThatFails() {
        LoadPipeline pipeline = pipeline(Map.of());
        pipeline.setWarmupBudget(0); // an inspection checks the payloads whatever the budget

        LoadPipeline.Inspected fine = pipeline.inspect(echoWithWarmup("one", "two"));
        assertEquals(List.of(), fine.problems());
        assertEquals(1, fine.state().warmup().passes());

        Path loop = Fixtures.copy(Fixtures.hostile("loop"), temp.resolve("loop-warm"));
        Fixtures.editManifest(loop, m -> m.putArray("warmup").add("spin"));
        LoadPipeline.Inspected looping = pipeline.inspect(loop);
        assertEquals(1, looping.problems().size(), looping.problems().toString());
        assertEquals(ErrorCode.TIMEOUT, looping.problems().get(0).code());
        assertTrue(looping.problems().get(0).getMessage().contains("warm-up payload 1 of 1"));
    }

    @Test
    void aPayloadStillRunningWhenTheBudgetEndsIsStoppedAndItsInstanceNotServed() throws Exception {
        // The plugin may run for a minute per request; its warm-up may not hold the load that long.
        Path loop = Fixtures.copy(Fixtures.hostile("loop"), temp.resolve("slow-warm"));
        Fixtures.editManifest(loop, m -> {
            ((ObjectNode) m.get("permissions")).put("max_execution_time_ms", 60_000);
            m.putArray("warmup").add("spin");
        });
        LoadPipeline pipeline = pipeline(Map.of());
        pipeline.setWarmupBudget(300);

        long started = System.nanoTime();
        LoadPipeline.Loaded loaded = pipeline.load(loop);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMillis < 30_000, "the budget, not the plugin's minute, ended the warm-up: " + tookMillis + " ms");
        assertEquals(0, loaded.warmup().passes());
        assertFalse(loaded.warmup().settled());
        assertTrue(loaded.warmup().summary().contains("stopped by its budget"), loaded.warmup().summary());
        assertNull(loaded.warmInstance(), "an instance stopped in the middle of a request is not pooled");
        assertFalse(Thread.currentThread().isInterrupted(), "the loading thread is left clean");
    }

    @Test
    void aPipelineWithoutConfigurationHasTheConfigurationsDefaultBudget() throws Exception {
        Object configured = dev.fluent.plugin.runtime.internal.policy.PlatformConfiguration.class
                .getMethod("warmup__budget__ms").getDefaultValue();
        assertEquals(WarmUp.DEFAULT_BUDGET_MILLIS, configured);
    }
}
