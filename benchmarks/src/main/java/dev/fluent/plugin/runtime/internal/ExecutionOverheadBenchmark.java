package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-execution overhead of the platform over a raw Chicory call of the same compiled export (echo, 100-byte
 * payload), and the parts of the execution path measured one by one, so the difference can be accounted for.
 *
 * <ul>
 *   <li>{@code platform}: {@code PluginRuntime.execute}, no audit sink (the registry outside OSGi);
 *       {@code platformNoopSink}: the same with one audit sink that does nothing.</li>
 *   <li>{@code raw}: one Chicory instance of echo's module, built with the plugin's own compiled machine
 *       factory and reused: fluent_alloc, write the request JSON, execute_request, read the frame bytes;
 *       {@code rawOnPluginMemory}: the same with the platform's memory instead of Chicory's default.</li>
 *   <li>{@code instanceCallAndReset}: {@link PluginInstance#call} (encode, guest call on the capped, dirty-tracking
 *       memory, decode) plus {@link PluginInstance#reset}: everything but the registry's bookkeeping.</li>
 *   <li>the parts: request encoding, response decoding, reset after an echo call, reset of a clean instance,
 *       watchdog arm+disarm, audit with no sink and with a no-op sink, statistics, pool borrow+release.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ExecutionOverheadBenchmark {

    static final String ID = "echo";

    private PluginRuntime runtime;
    private EngineRequest request;
    private LifecycleFixtures.RawPlugin raw;
    private LifecycleFixtures.RawPlugin rawOnPluginMemory;
    private byte[] requestBytes;
    private byte[] frame;

    private CompiledPlugin compiled;
    private PluginInstance instance;
    private PluginInstance cleanInstance;
    private ExecutionContext ctx;
    private Watchdog watchdog;
    private Auditor auditorNoSink;
    private Auditor auditorNoopSink;
    private InstancePool pool;
    private PluginStatistics statistics;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        request = EngineRequest.of(LifecycleFixtures.PAYLOAD_100);
        runtime = LifecycleFixtures.developmentRuntime(null);
        CompileCache.Compiled echo = LifecycleFixtures.loadUnsigned(runtime, "echo", ID);

        requestBytes = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.PAYLOAD_100);
        raw = LifecycleFixtures.raw(echo.module(), echo.machineFactory());
        frame = raw.call(requestBytes);
        rawOnPluginMemory = LifecycleFixtures.raw(echo.module(), echo.machineFactory(), true);
        rawOnPluginMemory.call(requestBytes);
        String expected = runtime.execute(ID, request).content();
        if (!expected.equals(LifecycleFixtures.PAYLOAD_100)
                || !Abi.decodeResponse(ID, frame).content().equals(LifecycleFixtures.PAYLOAD_100)) {
            throw new IllegalStateException("echo did not echo: " + new String(frame, StandardCharsets.UTF_8));
        }

        // The parts, built the way the registry builds them.
        watchdog = new Watchdog();
        TrustGate trust = new TrustGate(new JsonManifestParser());
        trust.setDevelopmentMode(true);
        // The registry's compile cache: the same compiled code, not compiled again.
        PluginLoader loader = new PluginLoader(new JsonManifestParser(), watchdog, runtime.compileCache(),
                Clock.systemUTC(), trust);
        java.nio.file.Path copy = LifecycleFixtures.unsignedCopy(LifecycleFixtures.example("echo"),
                LifecycleFixtures.tempDir("fluent-bench-").resolve(ID), ID);
        PluginLoader.Loaded loaded = loader.load(copy);
        compiled = loaded.compiled();
        instance = loaded.warmInstance();
        cleanInstance = PluginInstance.create(compiled, new ExecutionContext(ID, "load", null));
        ctx = new ExecutionContext(ID, "bench-1", null);
        auditorNoSink = new Auditor(Clock.systemUTC());
        auditorNoopSink = new Auditor(Clock.systemUTC());
        auditorNoopSink.addSink(event -> { });
        statistics = new PluginStatistics(ID, Clock.systemUTC());
        pool = new InstancePool(ID, LoadedPlugin.MAX_INSTANCES);
        pool.offer(PluginInstance.create(compiled, new ExecutionContext(ID, "load", null)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.deactivate();
        watchdog.close();
    }

    // --- the whole execution, and the baseline ---

    @Benchmark
    public EngineResponse platform() throws PluginException {
        return runtime.execute(ID, request);
    }

    /** A second registry, with one audit sink that does nothing; set up only where it is used. */
    @State(Scope.Thread)
    public static class WithNoopSink {
        PluginRuntime runtime;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            runtime.addAuditSink(event -> { });
            LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    @Benchmark
    public EngineResponse platformNoopSink(WithNoopSink withSink) throws PluginException {
        return withSink.runtime.execute(ID, request);
    }

    @Benchmark
    public byte[] raw() {
        return raw.call(requestBytes);
    }

    /** The raw call on the platform's memory (never reset): what PluginMemory costs the guest. */
    @Benchmark
    public byte[] rawOnPluginMemory() {
        return rawOnPluginMemory.call(requestBytes);
    }

    @Benchmark
    public EngineResponse instanceCallAndReset() throws PluginException {
        EngineResponse response = instance.call(request, ctx);
        instance.reset();
        return response;
    }

    // --- the parts ---

    @Benchmark
    public byte[] encodeRequest() throws PluginException {
        return Abi.encodeRequest(ID, request, "bench-1");
    }

    @Benchmark
    public EngineResponse decodeResponse() throws PluginException {
        return Abi.decodeResponse(ID, frame);
    }

    /** An instance after one echo call; each invocation resets it (the setup dirties it again, untimed). */
    @State(Scope.Thread)
    public static class DirtyInstance {
        PluginInstance instance;
        ExecutionContext ctx;
        EngineRequest request;

        @Setup(Level.Trial)
        public void create(ExecutionOverheadBenchmark b) {
            instance = PluginInstance.create(b.compiled, new ExecutionContext(ID, "load", null));
            ctx = b.ctx;
            request = b.request;
        }

        @Setup(Level.Invocation)
        public void dirty() throws PluginException {
            instance.call(request, ctx);
        }
    }

    @Benchmark
    public boolean resetAfterEcho(DirtyInstance dirty) {
        return dirty.instance.reset();
    }

    @Benchmark
    public boolean resetClean() {
        return cleanInstance.reset();
    }

    @Benchmark
    public boolean watchdogArmDisarm() {
        Watchdog.Deadline d = watchdog.arm(5_000);
        return watchdog.disarm(d);
    }

    @Benchmark
    public void auditNoSink() {
        auditorNoSink.success(ID, "execute", "bench-1", Map.of("duration_us", Long.toString(12)));
    }

    @Benchmark
    public void auditNoopSink() {
        auditorNoopSink.success(ID, "execute", "bench-1", Map.of("duration_us", Long.toString(12)));
    }

    /** The per-plugin figures every execution records (adders, latency histogram). */
    @Benchmark
    public void statisticsRecord() {
        statistics.record(12_345, null, ctx);
    }

    /** Borrow and release of an idle instance; release resets it (clean here, see resetClean). */
    @Benchmark
    public PluginInstance poolBorrowRelease() throws Exception {
        PluginInstance i = pool.borrow(5_000_000_000L);
        pool.release(i);
        return i;
    }
}
