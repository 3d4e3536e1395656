package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
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
 * Throughput of echo (100-byte payload) with one and two concurrent callers of the same plugin. The raw
 * pair (one bare Chicory instance per thread, same compiled code) shows how far the machine itself scales,
 * so the platform's scaling can be read against it; {@code platform2TwoPlugins} (each caller its own copy
 * of echo) separates what the callers share inside one plugin from what they share in the registry and JVM.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ThroughputBenchmark {

    static final String ID = "echo";
    /** A second copy of echo under its own id: its own pool, statistics and instances. */
    static final String ID_B = "echo-b";

    /** One registry with echo loaded, shared by the calling threads. */
    @State(Scope.Benchmark)
    public static class Registry {
        PluginRuntime runtime;
        CompileCache.Compiled echo;
        final EngineRequest request = EngineRequest.of(LifecycleFixtures.PAYLOAD_100);

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            echo = LifecycleFixtures.loadUnsigned(runtime, "echo", ID);
            LifecycleFixtures.loadUnsigned(runtime, "echo", ID_B);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    /** Which plugin a caller of {@link #platform2TwoPlugins} calls: the first thread echo, the second echo-b. */
    @State(Scope.Thread)
    public static class OwnPlugin {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();
        String id;

        @Setup(Level.Trial)
        public void setUp() {
            id = NEXT.getAndIncrement() % 2 == 0 ? ID : ID_B;
        }
    }

    /** A bare instance per thread, on the platform's memory (the compiled code is rewritten for it). */
    @State(Scope.Thread)
    public static class Raw {
        LifecycleFixtures.RawPlugin raw;
        byte[] request;

        @Setup(Level.Trial)
        public void setUp(Registry registry) throws Exception {
            raw = LifecycleFixtures.raw(registry.echo.module(), registry.echo.machineFactory(), true);
            request = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.PAYLOAD_100);
        }
    }

    @Benchmark
    @Threads(1)
    public EngineResponse platform1(Registry r) throws PluginException {
        return r.runtime.execute(ID, r.request);
    }

    @Benchmark
    @Threads(2)
    public EngineResponse platform2(Registry r) throws PluginException {
        return r.runtime.execute(ID, r.request);
    }

    /**
     * Two callers, each of its own copy of echo: same code and work as {@link #platform2}, but nothing of the
     * plugin's state (pool, instances, statistics) is shared between the threads.
     */
    @Benchmark
    @Threads(2)
    public EngineResponse platform2TwoPlugins(Registry r, OwnPlugin own) throws PluginException {
        return r.runtime.execute(own.id, r.request);
    }

    @Benchmark
    @Threads(1)
    public byte[] raw1(Raw raw) {
        return raw.raw.call(raw.request);
    }

    @Benchmark
    @Threads(2)
    public byte[] raw2(Raw raw) {
        return raw.raw.call(raw.request);
    }
}
