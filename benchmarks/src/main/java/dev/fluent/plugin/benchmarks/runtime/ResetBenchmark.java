package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What undoing an execution's writes costs, by what the execution wrote, on a 64 MiB memory whose first 16 MiB
 * hold data (as a module's data segments and heap would) and whose rest is zero:
 *
 * <ul>
 *   <li>{@code writeAndReset} writes the pattern, then resets; {@code writeOnly} writes it alone, so the
 *       difference is the reset's cost;</li>
 *   <li>{@code copy16MiB} is one {@code System.arraycopy} of 16 MiB, the floor for putting back a region that
 *       size from a copy.</li>
 * </ul>
 *
 * Patterns: {@code one-card} (an 8-byte store, echo's case), {@code scattered-64} (64 stores 256 KiB apart),
 * {@code zero-region-16MiB} (16 MiB of the zero part rewritten whole, as a buffer is), {@code
 * data-region-16MiB} (the 16 MiB of data rewritten whole).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ResetBenchmark {

    private static final int MIB = 1 << 20;

    @Param({"one-card", "scattered-64", "zero-region-16MiB", "data-region-16MiB"})
    public String pattern;

    private PluginMemory memory;
    private final byte[] from = new byte[16 * MIB];
    private final byte[] to = new byte[16 * MIB];

    @Setup(Level.Trial)
    public void setUp() {
        memory = new PluginMemory(new MemoryLimits(1024, 1024), 1024);
        byte[] data = new byte[16 * MIB];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        memory.write(0, data, 0, data.length);
        memory.snapshot();
    }

    private void write() {
        switch (pattern) {
            case "one-card" -> memory.writeLong(1024, 42L);
            case "scattered-64" -> {
                for (int i = 0; i < 64; i++) {
                    memory.writeLong(i * 256 * 1024 + 8, i);
                }
            }
            case "zero-region-16MiB" -> memory.fill((byte) 1, 32 * MIB, 48 * MIB);
            case "data-region-16MiB" -> memory.fill((byte) 1, 0, 16 * MIB);
            default -> throw new IllegalArgumentException(pattern);
        }
    }

    @Benchmark
    public PluginMemory writeAndReset() {
        write();
        memory.reset();
        return memory;
    }

    @Benchmark
    public PluginMemory writeOnly() {
        write();
        return memory;
    }

    @Benchmark
    public byte[] copy16MiB() {
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }
}
