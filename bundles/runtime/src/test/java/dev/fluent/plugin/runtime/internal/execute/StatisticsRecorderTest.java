package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginStats;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsRecorderTest {

    @Test
    void theFiguresCarryTheHistogramTheirPercentilesAreReadFrom() {
        StatisticsRecorder recorder = new StatisticsRecorder("echo", Clock.systemUTC());
        for (int i = 0; i < 98; i++) {
            recorder.record(100_000, System.nanoTime(), null, null); // 100 µs
        }
        recorder.record(20_000_000, System.nanoTime(), ErrorCode.TIMEOUT, null); // 20 ms
        recorder.record(30_000_000, System.nanoTime(), ErrorCode.TIMEOUT, null); // 30 ms
        PluginStats stats = recorder.snapshot();
        assertEquals(100, stats.latencies().total());
        assertEquals(stats.latencyP50Micros(), stats.latencies().percentile(50));
        assertEquals(stats.latencyP99Micros(), stats.latencies().percentile(99));
        assertEquals(stats.latencyMaxMicros(), stats.latencies().max());
        // Two nodes with these figures: the same percentiles, twice the executions.
        PluginStats both = PluginStats.merge(List.of(stats, recorder.snapshot()));
        assertEquals(200, both.executions());
        assertEquals(stats.latencyP50Micros(), both.latencyP50Micros());
        assertEquals(stats.latencyP99Micros(), both.latencyP99Micros());
        assertEquals(4, both.failuresOf(ErrorCode.TIMEOUT));
    }
}
