package dev.fluent.plugin.benchmarks.audit;

import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.AuditService;
import dev.fluent.plugin.audit.internal.write.AuditSettings;
import dev.fluent.plugin.audit.internal.write.Backpressure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many entries per second the writer puts on local disk, sustained: each invocation records
 * {@value #ENTRIES} entries as fast as the caller can (with backpressure {@code block}, so the caller is held
 * to the writer's pace), then waits until all of them are written and forced to disk. Rendering, hashing,
 * writing, rotating (16 MiB files) and forcing every 100 ms are all inside the measurement. Result in
 * entries per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class AuditWriterThroughputBenchmark {

    static final int ENTRIES = 100_000;

    private Path dir;
    private AuditService service;
    private AuditEvent[] events;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("audit-bench");
        // Without the volume cap (and without retention, which would remove files as they fill): what is
        // measured is the writer writing every entry, not the cap counting most of them.
        AuditSettings settings = AuditSettings.defaults(dir).withQueue(65536, Backpressure.BLOCK, 60_000)
                .withVolumeCap(0).withRetention(0, 0);
        service = new AuditService(settings, Clock.systemUTC());
        events = new AuditEvent[1024];
        Instant t = Instant.now();
        for (int i = 0; i < events.length; i++) {
            events[i] = new AuditEvent(t.plusNanos(i * 1000L), "plugin-" + (i % 7), "execute",
                    "plugin-" + (i % 7) + "-" + Integer.toString(i, 36), i % 10 != 0,
                    i % 10 != 0 ? null : "TIMEOUT: plugin-" + (i % 7) + " ran past its 30000 ms",
                    Map.of("duration_us", Integer.toString(100 + i)));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        service.deactivate();
        long dropped = service.status().dropped();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        if (dropped > 0) {
            throw new IllegalStateException(dropped + " entries were dropped");
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void writeAndSync() {
        for (int i = 0; i < ENTRIES; i++) {
            service.record(events[i & 1023]);
        }
        if (!service.sync(60_000)) {
            throw new IllegalStateException("the writer did not catch up within 60 s");
        }
    }
}
