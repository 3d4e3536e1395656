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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 over 1 MiB in the sha256 example plugin: through the platform (compiled), as a bare Chicory
 * instance of the same compiled code, and on Chicory's interpreter (run it with few single shots: it is
 * about 200 times slower). {@code benchmarks/node/sha256-bench.mjs} times the same module on V8.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class Sha256Benchmark {

    static final String ID = "sha256";

    private PluginRuntime runtime;
    private EngineRequest request;
    private byte[] requestBytes;
    private LifecycleFixtures.RawPlugin compiled;
    private LifecycleFixtures.RawPlugin interpreted;
    private byte[] lastInterpreted;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = LifecycleFixtures.developmentRuntime(null);
        CompileCache.Compiled sha = LifecycleFixtures.loadUnsigned(runtime, "sha256", ID);
        request = EngineRequest.of(LifecycleFixtures.ONE_MIB);
        requestBytes = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.ONE_MIB);
        compiled = LifecycleFixtures.raw(sha.module(), sha.machineFactory());
        interpreted = LifecycleFixtures.raw(LifecycleFixtures.parse(LifecycleFixtures.example("sha256")), null);
        String viaPlatform = runtime.execute(ID, request).content();
        String viaRaw = Abi.decodeResponse(ID, compiled.call(requestBytes)).content();
        if (!viaPlatform.equals(LifecycleFixtures.ONE_MIB_DIGEST) || !viaRaw.equals(LifecycleFixtures.ONE_MIB_DIGEST)) {
            throw new IllegalStateException("wrong digest: platform " + viaPlatform + ", raw " + viaRaw);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws PluginException {
        runtime.deactivate();
        if (lastInterpreted != null
                && !Abi.decodeResponse(ID, lastInterpreted).content().equals(LifecycleFixtures.ONE_MIB_DIGEST)) {
            throw new IllegalStateException("the interpreter computed a wrong digest");
        }
    }

    @Benchmark
    public EngineResponse platform() throws PluginException {
        return runtime.execute(ID, request);
    }

    @Benchmark
    public byte[] rawCompiled() {
        return compiled.call(requestBytes);
    }

    @Benchmark
    public byte[] interpreter() {
        lastInterpreted = interpreted.call(requestBytes);
        return lastInterpreted;
    }
}
