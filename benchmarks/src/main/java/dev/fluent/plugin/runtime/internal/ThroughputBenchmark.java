package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
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
 * so the platform's scaling can be read against it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ThroughputBenchmark {

    static final String ID = "echo";

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
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    /** A bare instance per thread. */
    @State(Scope.Thread)
    public static class Raw {
        LifecycleFixtures.RawPlugin raw;
        byte[] request;

        @Setup(Level.Trial)
        public void setUp(Registry registry) throws Exception {
            raw = LifecycleFixtures.raw(registry.echo.module(), registry.echo.machineFactory());
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
