package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.InstancePool;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.StatisticsRecorder;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-plugin state every execution of echo writes, used by two callers at once: what the registry's
 * shared structures cost when they are contended (compare with the single-caller figures of
 * {@link ExecutionOverheadBenchmark}). Each benchmark runs with two threads on one shared object.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class SharedStateBenchmark {

    static final String ID = "echo";

    private PluginRuntime runtime;
    private Watchdog watchdog;
    private StatisticsRecorder statistics;
    private Auditor auditor;
    private InstancePool pool;
    private Execution ctx;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = LifecycleFixtures.developmentRuntime(null);
        LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
        runtime.execute(ID, EngineRequest.of("warm up"));
        watchdog = new Watchdog();
        statistics = new StatisticsRecorder(ID, Clock.systemUTC());
        auditor = new Auditor(Clock.systemUTC());
        auditor.addSink(event -> { });
        ctx = new Execution(ID, "bench-1", null);
        // Two instances of echo's compiled code, one per caller.
        TrustGate trust = new TrustGate(new dev.fluent.plugin.manifest.internal.JsonManifestParser());
        trust.setDevelopmentMode(true);
        LoadPipeline loader = new LoadPipeline(new dev.fluent.plugin.manifest.internal.JsonManifestParser(), trust, runtime.compileCache(), watchdog,
                () -> new dev.fluent.plugin.runtime.internal.policy.OperatorPolicy(java.util.Map.of()), Clock.systemUTC());
        java.nio.file.Path copy = LifecycleFixtures.unsignedCopy(LifecycleFixtures.example("echo"),
                LifecycleFixtures.tempDir("fluent-bench-").resolve(ID), ID);
        LoadPipeline.Loaded loaded = loader.load(copy);
        pool = new InstancePool(ID, LoadedPlugin.MAX_INSTANCES);
        pool.offer(loaded.warmInstance());
        pool.offer(PluginInstance.create(loaded.compiled(), new Execution(ID, "load", null)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.deactivate();
        watchdog.close();
    }

    @Benchmark
    public void statisticsRecord() {
        statistics.record(12_345, System.nanoTime(), null, ctx);
    }

    @Benchmark
    public boolean watchdogArmDisarm() {
        return watchdog.disarm(watchdog.arm(5_000));
    }

    @Benchmark
    public PluginInstance poolBorrowRelease() throws Exception {
        PluginInstance i = pool.borrow(5_000_000_000L);
        pool.release(i);
        return i;
    }

    @Benchmark
    public void auditNoopSink() {
        auditor.success(ID, "execute", "bench-1", Map.of("duration_us", Long.toString(12)));
    }
}
