package dev.fluent.plugin.audit.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.read.ChainVerifier;
import dev.fluent.plugin.audit.internal.read.QueryRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer held up on purpose (its listener blocks on a latch) lets the queue fill; the configured
 * backpressure then applies, and no entry is lost without a trace.
 */
public class BackpressureTest {

    private static final int CAPACITY = 16;

    @TempDir
    public Path dir;

    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private AuditWriter stalledWriter(Backpressure mode, long blockMillis) throws Exception {
        AuditSettings settings = Logs.settings(dir).withQueue(CAPACITY, mode, blockMillis);
        AuditWriter writer = new AuditWriter(settings, Clock.systemUTC(), new AuditWriter.Listener() {
            @Override
            public boolean active() {
                return true;
            }

            @Override
            public void written(AuditRecord record) {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        writer.record(Logs.execute("first", 0, true));
        assertTrue(stalled.await(30, TimeUnit.SECONDS), "the writer took the first entry and stalls");
        for (int i = 1; i <= CAPACITY; i++) {
            writer.record(Logs.execute("queued", i, true));
        }
        assertEquals(CAPACITY, writer.status().queued());
        return writer;
    }

    @Test
    public void dropModeNeverWaitsCountsTheLossAndRecordsItInTheChain() throws Exception {
        AuditWriter writer = stalledWriter(Backpressure.DROP, 0);
        for (int i = 0; i < 5; i++) {
            writer.record(Logs.execute("overflow", i, true));
        }
        AuditStatus status = writer.status();
        assertEquals(5, status.dropped());
        assertEquals(0, status.waited());

        release.countDown();
        assertTrue(writer.awaitWritten(30_000, true));
        writer.close();
        List<AuditRecord> all = QueryRunner.query(new LogDirectory(dir), null, AuditQuery.latest(100));
        assertEquals(1 + CAPACITY + 1, all.size(), "written entries plus one overflow note");
        List<AuditRecord> notes = QueryRunner.query(new LogDirectory(dir), null,
                AuditQuery.builder().action(AuditActions.AUDIT_OVERFLOW).build());
        assertEquals(1, notes.size());
        AuditRecord note = notes.get(0);
        assertEquals(AuditActions.AUDIT_OVERFLOW, note.action());
        assertTrue(note.error().startsWith("AUDIT_OVERFLOW: 5 entries were dropped"), note.error());
        assertEquals("5", note.details().get("dropped"));
        assertTrue(ChainVerifier.verify(new LogDirectory(dir), null).ok());
    }

    @Test
    public void blockModeHoldsTheCallerUntilThereIsRoom() throws Exception {
        AuditWriter writer = stalledWriter(Backpressure.BLOCK, 60_000);
        Thread caller = new Thread(() -> writer.record(Logs.execute("blocked", 99, true)));
        caller.start();
        waitUntil(() -> writer.status().waited() == 1);
        assertTrue(caller.isAlive(), "the caller waits while the queue is full");

        release.countDown();
        caller.join(30_000);
        assertTrue(!caller.isAlive());
        writer.close();
        assertEquals(0, writer.status().dropped());
        List<AuditRecord> all = QueryRunner.query(new LogDirectory(dir), null, AuditQuery.latest(100));
        assertEquals(1 + CAPACITY + 1, all.size());
        assertEquals("blocked", all.get(0).pluginId());
    }

    @Test
    public void blockModeDropsAfterTheBoundedWaitAndRecordsTheLoss() throws Exception {
        AuditWriter writer = stalledWriter(Backpressure.BLOCK, 20);
        writer.record(Logs.execute("late", 1, true));
        assertEquals(1, writer.status().waited());
        assertEquals(1, writer.status().dropped());
        release.countDown();
        writer.close();
        List<AuditRecord> notes = QueryRunner.query(new LogDirectory(dir), null,
                AuditQuery.builder().action(AuditActions.AUDIT_OVERFLOW).build());
        assertEquals(1, notes.size());
    }

    @Test
    public void entriesRecordedAfterCloseGoToTheContainerLogNotNowhere() throws IOException {
        AuditWriter writer = Logs.open(Logs.settings(dir));
        writer.close();
        writer.record(Logs.execute("late", 1, true)); // logged as not written; must not throw
        assertEquals(0, writer.status().dropped());
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 30 s");
            Thread.sleep(5);
        }
    }
}
