package dev.fluent.plugin.benchmarks.audit;

import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.AuditService;
import dev.fluent.plugin.audit.internal.write.AuditSettings;
import java.io.IOException;
import java.nio.file.Files;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording one audit entry costs the plugin execution that records it: the time {@code AuditSink.record}
 * takes on the caller's thread, with the real writer writing (and forcing to disk every 100 ms) to a local
 * folder behind it.
 *
 * <p>Between two calls the caller spins for {@code gapNanos} outside the measurement, standing for the
 * execution's own work; it keeps the entry rate (about 1 / gap) below what the writer sustains, as on a real
 * platform, so that what is measured is the append and not a full queue. {@code record} measures the sink
 * alone on a prepared event; {@code recordAsTheRuntimeDoes} also builds the event the way the runtime does
 * (clock, details map).
 *
 * <p>It lives in the audit bundle's package to build the component without OSGi.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class AuditAppendBenchmark {

    @Param("20000")
    public long gapNanos;

    /**
     * The volume cap: by default at work but never reached, so every call pays for the cap's bookkeeping and
     * is queued, as an entry below the cap is on a real platform (one past it is only counted, which costs
     * less); {@code -p volumeCap=0} turns the cap off, for comparison.
     */
    @Param("2147483647")
    public int volumeCap;

    private Path dir;
    private AuditService service;
    private AuditEvent event;
    private final Clock clock = Clock.systemUTC();
    private long sequence;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("audit-bench");
        service = new AuditService(AuditSettings.defaults(dir).withVolumeCap(volumeCap), clock);
        event = new AuditEvent(clock.instant(), "echo", "execute", "echo-1a2b3c", true, null,
                Map.of("duration_us", "187"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        service.deactivate();
        long dropped = service.status().dropped();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        if (dropped > 0) {
            throw new IllegalStateException(dropped + " entries were dropped: the gap is too short for this disk");
        }
    }

    /** The execution's own work between two records; not measured. */
    @Setup(Level.Invocation)
    public void work() {
        long until = System.nanoTime() + gapNanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public void record() {
        service.record(event);
    }

    @Benchmark
    public void recordAsTheRuntimeDoes() {
        long n = ++sequence;
        service.record(new AuditEvent(clock.instant(), "echo", "execute", "echo-" + Long.toString(n, 36), true, null,
                Map.of("duration_us", Long.toString(n % 1000))));
    }
}
