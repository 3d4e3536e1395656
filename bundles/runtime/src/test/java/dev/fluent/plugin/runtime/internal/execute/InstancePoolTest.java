package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstancePoolTest {

    private static final long WAIT = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void answersBusyWhenEverySlotIsTakenAndTheWaitEnds() throws Exception {
        InstancePool pool = new InstancePool("p", 2);
        assertNull(pool.borrow(WAIT));
        assertNull(pool.borrow(WAIT));
        PluginException e = assertThrows(PluginException.class, () -> pool.borrow(WAIT));
        assertEquals(ErrorCode.BUSY, e.code());
    }

    @Test
    void aDiscardedSlotCanBeTakenAgain() throws Exception {
        InstancePool pool = new InstancePool("p", 1);
        assertNull(pool.borrow(WAIT));
        pool.discard();
        assertNull(pool.borrow(WAIT), "the slot of a failed instance is free again, for a fresh instance");
    }

    @Test
    void aWaitingCallerGetsTheSlotAnotherGivesUp() throws Exception {
        InstancePool pool = new InstancePool("p", 1);
        assertNull(pool.borrow(WAIT));
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.discard();
        });
        releaser.start();
        assertNull(pool.borrow(TimeUnit.SECONDS.toNanos(5)));
        releaser.join();
    }

    @Test
    void refusesBorrowersOnceClosed() throws Exception {
        InstancePool pool = new InstancePool("p", 1);
        pool.close();
        PluginException e = assertThrows(PluginException.class, () -> pool.borrow(WAIT));
        assertEquals(ErrorCode.UNLOADED, e.code());
    }

    @Test
    void concurrentCallersNeverHoldMoreInstancesThanTheMaximumAndReuseThem() throws Exception {
        LoadPipeline.Loaded loaded = Fixtures.loader().load(Fixtures.echo());
        InstancePool pool = new InstancePool("echo", 3);
        pool.offer(loaded.warmInstance());
        java.util.concurrent.atomic.AtomicInteger inUse = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger(1);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 6; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int n = 0; n < 2_000; n++) {
                        PluginInstance instance = pool.borrow(TimeUnit.SECONDS.toNanos(5));
                        if (instance == null) {
                            instance = PluginInstance.create(loaded.compiled(), new Execution("echo", "t", null));
                            created.incrementAndGet();
                        }
                        most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                        inUse.decrementAndGet();
                        pool.release(instance);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(java.util.List.of(), failures);
        assertTrue(most.get() <= 3, "at most 3 in use at once, saw " + most.get());
        assertTrue(created.get() <= 3, "instances are reused, not made per call: " + created.get());
        assertEquals(created.get(), pool.idleCount(), "every instance came back");
        pool.close();
        assertEquals(0, pool.idleCount(), "closing drops the idle instances");
    }

    @Test
    void dropsInstancesIdleForAWholeSweepDownToTheOnesItKeeps() throws Exception {
        LoadPipeline.Loaded loaded = Fixtures.loader().load(Fixtures.echo());
        InstancePool pool = new InstancePool("echo", 4);
        pool.offer(loaded.warmInstance());
        for (int i = 0; i < 3; i++) {
            pool.offer(PluginInstance.create(loaded.compiled(), new Execution("echo", "t", null)));
        }
        assertEquals(4, pool.idleCount());
        assertEquals(0, pool.trimIdle(1), "the first sweep only marks: none has been idle for a whole period");
        PluginInstance used = pool.borrow(WAIT);
        pool.release(used);
        assertEquals(3, pool.trimIdle(1), "the three idle since the last sweep go; the one just used stays");
        assertEquals(1, pool.idleCount());
        assertEquals(0, pool.trimIdle(1));
        assertEquals(0, pool.trimIdle(1), "one is always kept");
        assertEquals(1, pool.idleCount());
        // The slots of the dropped ones are free: four executions can run at once again.
        PluginInstance a = pool.borrow(WAIT);
        assertTrue(a != null);
        assertNull(pool.borrow(WAIT));
        assertNull(pool.borrow(WAIT));
        assertNull(pool.borrow(WAIT));
        assertEquals(ErrorCode.BUSY, assertThrows(PluginException.class, () -> pool.borrow(WAIT)).code());
    }
}
