package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.abi.Abi;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 over 1 MiB in the sha256 example plugin: through the platform (compiled), as a bare Chicory
 * instance of the same compiled code, and on Chicory's interpreter (run it with few single shots: it is
 * about 200 times slower). {@code benchmarks/node/sha256-bench.mjs} times the same module on V8.
 *
 * <p>Each benchmark has its own state, so its fork runs the module's compiled code on one memory class only:
 * calling it on Chicory's default memory and on the platform's in one JVM makes the JIT's profile of the
 * generated code see two receivers and slows both, a mix no real deployment has.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Sha256Benchmark {

    static final String ID = "sha256";

    /** The registry with sha256 loaded. */
    @State(Scope.Thread)
    public static class Platform {
        PluginRuntime runtime;
        final EngineRequest request = EngineRequest.of(LifecycleFixtures.ONE_MIB);

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            LifecycleFixtures.loadUnsigned(runtime, "sha256", ID);
            String digest = runtime.execute(ID, request).content();
            if (!digest.equals(LifecycleFixtures.ONE_MIB_DIGEST)) {
                throw new IllegalStateException("wrong digest from the platform: " + digest);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    /** A bare instance of the compiled module (the registry compiled it; only its load probe ran there). */
    @State(Scope.Thread)
    public static class RawCompiled {
        PluginRuntime runtime;
        LifecycleFixtures.RawPlugin raw;
        byte[] request;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = LifecycleFixtures.developmentRuntime(null);
            CompileCache.Compiled sha = LifecycleFixtures.loadUnsigned(runtime, "sha256", ID);
            // Chicory's own compiled code on its default memory: the platform's rewritten code runs on the
            // platform's memory only.
            raw = LifecycleFixtures.raw(sha.module(), MachineFactoryCompiler.compile(sha.module()));
            request = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.ONE_MIB);
            String digest = Abi.decodeResponse(ID, raw.call(request)).content();
            if (!digest.equals(LifecycleFixtures.ONE_MIB_DIGEST)) {
                throw new IllegalStateException("wrong digest from bare Chicory: " + digest);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runtime.deactivate();
        }
    }

    /** A bare instance on Chicory's interpreter; its last answer is checked at the end. */
    @State(Scope.Thread)
    public static class Interpreted {
        LifecycleFixtures.RawPlugin raw;
        byte[] request;
        byte[] last;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            raw = LifecycleFixtures.raw(LifecycleFixtures.parse(LifecycleFixtures.example("sha256")), null);
            request = LifecycleFixtures.requestBytes(ID, LifecycleFixtures.ONE_MIB);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws PluginException {
            if (last != null && !Abi.decodeResponse(ID, last).content().equals(LifecycleFixtures.ONE_MIB_DIGEST)) {
                throw new IllegalStateException("the interpreter computed a wrong digest");
            }
        }
    }

    @Benchmark
    public EngineResponse platform(Platform p) throws PluginException {
        return p.runtime.execute(ID, p.request);
    }

    @Benchmark
    public byte[] rawCompiled(RawCompiled r) {
        return r.raw.call(r.request);
    }

    @Benchmark
    public byte[] interpreter(Interpreted i) {
        i.last = i.raw.call(i.request);
        return i.last;
    }
}
