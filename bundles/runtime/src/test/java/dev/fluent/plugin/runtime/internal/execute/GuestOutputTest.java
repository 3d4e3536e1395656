package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A plugin's output is capped per minute across its executions; what is over is dropped and counted. */
class GuestOutputTest {

    private final AtomicLong now = new AtomicLong();
    private final ExecutionTest.Captured log = ExecutionTest.captured();
    private final GuestOutput output = new GuestOutput(log.logger, now::get);

    private boolean write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return output.write("r", 1, bytes, bytes.length);
    }

    @Test
    void recordsOverTheCapOfAMinuteAreDroppedSaidOnceAndCountedWhenItEnds() {
        for (int i = 0; i < GuestOutput.RECORDS_PER_MINUTE; i++) {
            assertTrue(write("line " + i));
        }
        assertFalse(write("one too many"));
        assertFalse(write("two too many"));
        assertEquals(GuestOutput.RECORDS_PER_MINUTE + 1, log.lines.size());
        assertTrue(log.lines.get(log.lines.size() - 1).startsWith("WARN [r] output over the cap of 600 records"),
                log.lines.get(log.lines.size() - 1));

        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        assertTrue(write("a new minute"));
        assertEquals("WARN 2 output records (24 bytes) dropped in the last minute: over the cap of 600 records or"
                + " 262144 bytes per minute", log.lines.get(log.lines.size() - 2));
        assertEquals("INFO [r] a new minute", log.lines.get(log.lines.size() - 1));
    }

    @Test
    void bytesOverTheCapOfAMinuteAreDroppedToo() {
        String big = "y".repeat(64 * 1024);
        for (int i = 0; i < 4; i++) {
            assertTrue(write(big));
        }
        assertFalse(write("z"), "256 KiB written: not one byte more this minute");
    }
}
