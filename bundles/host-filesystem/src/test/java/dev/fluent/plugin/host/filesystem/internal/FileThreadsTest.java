package dev.fluent.plugin.host.filesystem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The file threads: the caller waits no longer than it may, and never behind an operation that does not end. */
class FileThreadsTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final FileThreads threads = new FileThreads("test-fs", 2);

    @AfterEach
    void end() {
        release.countDown();
        threads.close();
    }

    /** An operation that does not end until the test does, like an open of a FIFO nobody writes. */
    private FileThreads.Operation<String> stuck(AtomicBoolean abandoned) {
        return gone -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                // Interrupted by the caller's timeout: a blocked open would not notice; wait on.
                try {
                    release.await();
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
            abandoned.set(gone.getAsBoolean());
            return "late";
        };
    }

    @Test
    void theCallerWaitsNoLongerThanItMayAndTheOperationKnowsItWasAbandoned() throws Exception {
        AtomicBoolean abandoned = new AtomicBoolean();
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> threads.run(stuck(abandoned), Duration.ofMillis(100), "test"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 100 && ms < 1000, ms + " ms");
        release.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!abandoned.get() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(abandoned.get());
    }

    @Test
    void operationsNeverQueueBehindStuckOnesAndAreRefusedWhenAllThreadsAreHeld() throws Exception {
        AtomicBoolean ignored = new AtomicBoolean();
        assertThrows(TimeoutException.class, () -> threads.run(stuck(ignored), Duration.ofMillis(50), "first"));
        assertEquals("quick", threads.run(gone -> "quick", Duration.ofSeconds(5), "beside the stuck one"));
        assertThrows(TimeoutException.class, () -> threads.run(stuck(ignored), Duration.ofMillis(50), "second"));
        Refusal busy = assertThrows(Refusal.class, () -> threads.run(gone -> "never", Duration.ofSeconds(5), "third"));
        assertEquals(Refusal.Kind.BUSY, busy.kind);
        assertTrue(busy.getMessage().contains("all 2 file threads are busy"), busy.getMessage());
    }

    @Test
    void refusalsAndFailuresOfTheOperationReachTheCaller() {
        Refusal refusal = Refusal.of(Refusal.Kind.MISSING, "x");
        assertSame(refusal, assertThrows(Refusal.class, () -> threads.run(gone -> {
            throw refusal;
        }, Duration.ofSeconds(5), "test")));
        assertThrows(IllegalStateException.class, () -> threads.run(gone -> {
            throw new IllegalStateException("bug");
        }, Duration.ofSeconds(5), "test"));
    }
}
