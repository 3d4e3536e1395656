package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    private final Watchdog watchdog = new Watchdog();

    @AfterEach
    void close() {
        watchdog.close();
        Thread.interrupted();
    }

    /** Spins like a guest in a loop, until interrupted or 10 s pass. */
    private static boolean spinUntilInterrupted() {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (Thread.currentThread().isInterrupted()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void interruptsTheThreadAtItsDeadlineAndLeavesItCleanOnDisarm() {
        Watchdog.Deadline d = watchdog.arm(30);
        assertTrue(spinUntilInterrupted(), "the deadline interrupted the looping thread");
        assertTrue(watchdog.disarm(d), "disarm reports that it fired");
        assertFalse(Thread.currentThread().isInterrupted(), "the caller's thread carries on clean");
    }

    @Test
    void aDeadlineDisarmedInTimeNeverFires() throws Exception {
        Watchdog.Deadline d = watchdog.arm(1_000);
        assertFalse(watchdog.disarm(d));
        Thread.sleep(30);
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(0, watchdog.armedCount());
    }

    @Test
    void aThreadArmsAgainAfterItsDeadlineFired() {
        for (int i = 0; i < 3; i++) {
            Watchdog.Deadline d = watchdog.arm(20);
            assertTrue(spinUntilInterrupted(), "round " + i);
            assertTrue(watchdog.disarm(d));
            Watchdog.Deadline generous = watchdog.arm(10_000);
            assertFalse(watchdog.disarm(generous), "a long deadline right after a fired one does not fire");
        }
    }

    @Test
    void anExecutionInsideAnExecutionHasItsOwnDeadline() {
        Watchdog.Deadline outer = watchdog.arm(10_000);
        Watchdog.Deadline inner = watchdog.arm(20);
        assertTrue(spinUntilInterrupted());
        assertTrue(watchdog.disarm(inner), "the inner deadline fired");
        assertFalse(watchdog.disarm(outer), "the outer one did not");
        assertEquals(0, watchdog.armedCount());
    }

    @Test
    void threadsThatEndAreForgotten() throws Exception {
        int before = watchdog.watchedCount();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Thread t = new Thread(() -> watchdog.disarm(watchdog.arm(1_000)));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long end = System.currentTimeMillis() + 5_000;
        while (watchdog.watchedCount() > before && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertEquals(before, watchdog.watchedCount(), "the deadlines of ended threads are no longer watched");
    }

    @Test
    void concurrentCallersWithGenerousDeadlinesAreNeverInterrupted() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                for (int n = 0; n < 20_000; n++) {
                    if (watchdog.disarm(watchdog.arm(5_000)) || Thread.currentThread().isInterrupted()) {
                        fired.incrementAndGet();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, fired.get());
        assertEquals(0, watchdog.armedCount());
    }
}
