package dev.fluent.plugin.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
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
}
