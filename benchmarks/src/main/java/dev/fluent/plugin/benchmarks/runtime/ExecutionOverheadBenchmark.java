package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.InstancePool;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.StatisticsRecorder;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.nio.file.Path;
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
 *   <li>{@code raw}: one Chicory instance of echo's module, compiled by Chicory alone on its default memory, and
 *       reused: fluent_alloc, write the request JSON, execute_request, read the frame bytes;
 *       {@code rawOnPluginMemory}: the same with the plugin's compiled (rewritten) machine factory on the
 *       platform's memory, the code the platform runs.</li>
 *   <li>{@code instanceCallAndReset}: {@link PluginInstance#call} (encode, guest call on the capped,
 *       dirty-tracking memory, decode) plus {@link PluginInstance#reset}: all but the registry's bookkeeping.</li>
 *   <li>the parts: request encoding, response decoding, reset after an echo call and of a clean instance,
 *       watchdog arm+disarm, audit with no sink and with a no-op sink, statistics, pool borrow+release.</li>
 * </ul>
 *
 * <p>Every benchmark has its own state, so its fork runs echo's compiled code on one memory class only (see
 * {@link Sha256Benchmark} on why mixing them in one JVM would distort both).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExecutionOverheadBenchmark {

    static final String ID = "echo";

    static final EngineRequest REQUEST = EngineRequest.of(LifecycleFixtures.PAYLOAD_100);

    /** A registry with echo loaded, with or without a no-op audit sink. */
    public abstract static class Registry {
        PluginRuntime runtime;

        void start(boolean noopSink) throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            if (noopSink) {
                runtime.addAuditSink(event -> { });
            }
            LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
            if (!runtime.execute(ID, REQUEST).content().equals(LifecycleFixtures.PAYLOAD_100)) {
                throw new IllegalStateException("echo did not echo");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    @State(Scope.Thread)
    public static class NoSink extends Registry {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            start(false);
        }
    }

    @State(Scope.Thread)
    public static class NoopSink extends Registry {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            start(true);
        }
    }

    /** A bare instance of echo's compiled module; the registry only compiled it (and ran its load probe). */
    public abstract static class Bare {
        PluginRuntime runtime;
        LifecycleFixtures.RawPlugin raw;
        byte[] request;

        void start(boolean pluginMemory) throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            CompileCache.Compiled echo = LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
            // On Chicory's default memory, Chicory's own compiled code: the platform's rewritten code reaches
            // into the platform's memory and runs on nothing else.
            raw = LifecycleFixtures.raw(echo.module(), pluginMemory ? echo.machineFactory()
                    : MachineFactoryCompiler.compile(echo.module()), pluginMemory);
            request = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.PAYLOAD_100);
            if (!Abi.decodeResponse(ID, raw.call(request)).content().equals(LifecycleFixtures.PAYLOAD_100)) {
                throw new IllegalStateException("echo did not echo");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    @State(Scope.Thread)
    public static class BareDefaultMemory extends Bare {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            start(false);
        }
    }

    @State(Scope.Thread)
    public static class BarePluginMemory extends Bare {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            start(true);
        }
    }

    /** The parts of the execution path, built the way the registry builds them. */
    @State(Scope.Thread)
    public static class Parts {
        PluginRuntime runtime;
        CompiledPlugin compiled;
        PluginInstance instance;
        PluginInstance cleanInstance;
        Execution ctx;
        Watchdog watchdog;
        Auditor auditorNoSink;
        Auditor auditorNoopSink;
        StatisticsRecorder statistics;
        InstancePool pool;
        byte[] frame;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
            watchdog = new Watchdog();
            TrustGate trust = new TrustGate(new JsonManifestParser());
            trust.setDevelopmentMode(true);
            // The registry's compile cache: the same compiled code, not compiled again.
            LoadPipeline loader = new LoadPipeline(new JsonManifestParser(), trust, runtime.compileCache(), watchdog,
                () -> new dev.fluent.plugin.runtime.internal.policy.OperatorPolicy(java.util.Map.of()), Clock.systemUTC());
            Path copy = LifecycleFixtures.unsignedCopy(LifecycleFixtures.example("echo"),
                    LifecycleFixtures.tempDir("fluent-bench-").resolve(ID), ID);
            LoadPipeline.Loaded loaded = loader.load(copy);
            compiled = loaded.compiled();
            instance = loaded.warmInstance();
            cleanInstance = PluginInstance.create(compiled, new Execution(ID, "load", null));
            ctx = new Execution(ID, "bench-1", null);
            auditorNoSink = new Auditor(Clock.systemUTC());
            auditorNoopSink = new Auditor(Clock.systemUTC());
            auditorNoopSink.addSink(event -> { });
            statistics = new StatisticsRecorder(ID, Clock.systemUTC());
            pool = new InstancePool(ID, LoadedPlugin.MAX_INSTANCES);
            pool.offer(PluginInstance.create(compiled, new Execution(ID, "load", null)));
            // echo's response frame, as the guest writes it (on the platform's memory, like everything here).
            frame = LifecycleFixtures.raw(compiled.module(), compiled.machineFactory(), true)
                    .call(LifecycleFixtures.requestBytes(ID, LifecycleFixtures.PAYLOAD_100));
            if (!instance.call(REQUEST, ctx).content().equals(LifecycleFixtures.PAYLOAD_100)
                    || !Abi.decodeResponse(ID, frame).content().equals(LifecycleFixtures.PAYLOAD_100)) {
                throw new IllegalStateException("echo did not echo");
            }
            instance.reset();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
            watchdog.close();
        }
    }

    /** An instance after one echo call; each invocation resets it (the setup dirties it again, untimed). */
    @State(Scope.Thread)
    public static class DirtyInstance {
        PluginInstance instance;
        Execution ctx;

        @Setup(Level.Trial)
        public void create(Parts parts) {
            instance = PluginInstance.create(parts.compiled, new Execution(ID, "load", null));
            ctx = parts.ctx;
        }

        @Setup(Level.Invocation)
        public void dirty() throws PluginException {
            instance.call(REQUEST, ctx);
        }
    }

    // --- the whole execution, and the baseline ---

    @Benchmark
    public EngineResponse platform(NoSink r) throws PluginException {
        return r.runtime.execute(ID, REQUEST);
    }

    @Benchmark
    public EngineResponse platformNoopSink(NoopSink r) throws PluginException {
        return r.runtime.execute(ID, REQUEST);
    }

    @Benchmark
    public byte[] raw(BareDefaultMemory b) {
        return b.raw.call(b.request);
    }

    /** The raw call on the platform's memory (never reset): what PluginMemory costs the guest. */
    @Benchmark
    public byte[] rawOnPluginMemory(BarePluginMemory b) {
        return b.raw.call(b.request);
    }

    @Benchmark
    public EngineResponse instanceCallAndReset(Parts p) throws PluginException {
        EngineResponse response = p.instance.call(REQUEST, p.ctx);
        p.instance.reset();
        return response;
    }

    // --- the parts ---

    @Benchmark
    public byte[] encodeRequest() throws PluginException {
        return Abi.encodeRequest(ID, REQUEST, "bench-1");
    }

    @Benchmark
    public EngineResponse decodeResponse(Parts p) throws PluginException {
        return Abi.decodeResponse(ID, p.frame);
    }

    @Benchmark
    public boolean resetAfterEcho(DirtyInstance dirty) {
        return dirty.instance.reset();
    }

    @Benchmark
    public boolean resetClean(Parts p) {
        return p.cleanInstance.reset();
    }

    @Benchmark
    public boolean watchdogArmDisarm(Parts p) {
        Watchdog.Deadline d = p.watchdog.arm(5_000);
        return p.watchdog.disarm(d);
    }

    @Benchmark
    public void auditNoSink(Parts p) {
        p.auditorNoSink.success(ID, "execute", "bench-1", Map.of("duration_us", Long.toString(12)));
    }

    @Benchmark
    public void auditNoopSink(Parts p) {
        p.auditorNoopSink.success(ID, "execute", "bench-1", Map.of("duration_us", Long.toString(12)));
    }

    /** The per-plugin figures every execution records (adders, latency histogram). */
    @Benchmark
    public void statisticsRecord(Parts p) {
        p.statistics.record(12_345, System.nanoTime(), null, p.ctx);
    }

    /** Borrow and release of an idle instance; release resets it (clean here, see resetClean). */
    @Benchmark
    public PluginInstance poolBorrowRelease(Parts p) throws Exception {
        PluginInstance i = p.pool.borrow(5_000_000_000L);
        p.pool.release(i);
        return i;
    }
}
