package dev.fluent.plugin.cluster.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three nodes' authorities sharing one store (as the members share the Hazelcast map), on a simulated clock: the
 * cluster admits what one bucket of the plugin's rate admits, within 10 %, however the requests are spread.
 */
class ClusterRateLimitsTest {

    /** A map with the compare-and-set the Hazelcast map gives, counting the round trips made. */
    static final class MemoryStore implements BucketStore {
        final Map<String, String> map = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String get(String pluginId) {
            calls.incrementAndGet();
            return map.get(pluginId);
        }

        @Override
        public synchronized boolean compareAndSet(String pluginId, String expected, String value) {
            calls.incrementAndGet();
            if (!Objects.equals(map.get(pluginId), expected)) {
                return false;
            }
            map.put(pluginId, value);
            return true;
        }
    }

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    private ClusterRateLimits node(BucketStore store, AtomicInteger present, int configured) {
        return new ClusterRateLimits(store, present::get, () -> configured, now::get);
    }

    /** Runs {@code seconds} of callers sending {@code perSecond} requests each to a node {@code pick} chooses. */
    private long admitted(ClusterRateLimits[] nodes, int seconds, int perSecond, java.util.function.IntUnaryOperator pick) {
        long admitted = 0;
        int stepMillis = 1000 / perSecond;
        for (int t = 0; t < seconds * 1000; t += stepMillis) {
            now.addAndGet(stepMillis);
            if (nodes[pick.applyAsInt(t)].tryAcquire("echo", 600) == 0) {
                admitted++;
            }
        }
        return admitted;
    }

    private static void assertWithinTenPercent(double expected, long admitted) {
        assertTrue(admitted <= expected * 1.10 && admitted >= expected * 0.90,
                "admitted " + admitted + ", one bucket admits " + expected);
    }

    @Test
    void holdsTheRateForTheWholeClusterWithRequestsSpreadEvenly() {
        MemoryStore store = new MemoryStore();
        AtomicInteger present = new AtomicInteger(3);
        ClusterRateLimits[] nodes = {node(store, present, 3), node(store, present, 3), node(store, present, 3)};
        Random random = new Random(7);
        // 600 a minute: a full bucket of 600, then 10 a second; 120 s of 200 requests a second over the three nodes.
        long admitted = admitted(nodes, 120, 200, t -> random.nextInt(3));
        assertWithinTenPercent(600 + 10 * 120, admitted);
        // A lease is a read and a compare-and-set; refusals while the bucket is empty cost none.
        int leases = store.calls.get() / 2;
        assertTrue(leases < 24_000 / 10, "no round trip per execution: " + leases + " leases for 24,000 requests ("
                + admitted + " admitted)");
    }

    @Test
    void holdsTheRateWhenTheLoadMovesFromNodeToNode() {
        MemoryStore store = new MemoryStore();
        AtomicInteger present = new AtomicInteger(3);
        ClusterRateLimits[] nodes = {node(store, present, 3), node(store, present, 3), node(store, present, 3)};
        // Each node takes the whole load for 10 s in turn: the budget follows the load, it is not split in thirds.
        long admitted = admitted(nodes, 90, 100, t -> (t / 10_000) % 3);
        assertWithinTenPercent(600 + 10 * 90, admitted);
    }

    @Test
    void trafficBelowTheRateSpreadOverTheNodesIsNeverRefused() {
        MemoryStore store = new MemoryStore();
        AtomicInteger present = new AtomicInteger(3);
        ClusterRateLimits[] nodes = {node(store, present, 3), node(store, present, 3), node(store, present, 3)};
        // 9.5 a second, under the rate of 10, in turns over the three nodes: each node leases blocks of 6 and
        // spends about 3 of them before the lease lapses.
        long requests = 0;
        long admitted = 0;
        for (int t = 0; t < 300_000; t += 105) {
            now.addAndGet(105);
            requests++;
            admitted += nodes[(t / 105) % 3].tryAcquire("echo", 600) == 0 ? 1 : 0;
        }
        assertEquals(requests, admitted, "every request ran");
    }

    @Test
    void theUnspentTokensOfALapsedLeaseGoBackWithTheNextLease() {
        MemoryStore store = new MemoryStore();
        long t = now.get();
        store.map.put("echo", new SharedBucket(10, t).text());
        SharedBuckets buckets = new SharedBuckets(store);
        assertEquals(6, buckets.lease("echo", 600, 6, 0, t).granted());
        assertEquals(6, buckets.lease("echo", 600, 6, 5, t).granted(), "4 left and 5 back");
        assertEquals(3, SharedBucket.parse(store.map.get("echo"), t).available(100));
        store.map.put("echo", new SharedBucket(599, t).text());
        buckets.lease("echo", 600, 6, 6, t);
        assertEquals(594, SharedBucket.parse(store.map.get("echo"), t).available(1000), "never above a minute's worth");
    }

    @Test
    void aNodeAloneKeepsItsShareAndTheSidesOfASplitStayWithinTheLimitTogether() {
        // The two sides of a split each see their own copy of the map: two members on one side, one on the other.
        MemoryStore majority = new MemoryStore();
        MemoryStore minority = new MemoryStore();
        AtomicInteger two = new AtomicInteger(2);
        AtomicInteger one = new AtomicInteger(1);
        ClusterRateLimits[] nodes = {node(majority, two, 3), node(majority, two, 3), node(minority, one, 3)};
        Random random = new Random(11);
        long admitted = admitted(nodes, 120, 200, t -> random.nextInt(3));
        assertTrue(admitted <= (600 + 10 * 120) * 1.10, "a split admitted " + admitted + " together");
        assertTrue(nodes[2].mode().startsWith("ALONE"), nodes[2].mode());
        assertTrue(nodes[0].mode().contains("2 of 3 members present"), nodes[0].mode());
        two.set(3);
        assertEquals("cluster-wide", nodes[0].mode(), "shown from the members present now, before any execution");
    }

    @Test
    void aFailingLeaseFallsBackToTheLocalShareAndSaysSo() {
        AtomicInteger asked = new AtomicInteger();
        BucketStore broken = new BucketStore() {
            @Override
            public String get(String pluginId) {
                asked.incrementAndGet();
                throw new IllegalStateException("operation timed out");
            }

            @Override
            public boolean compareAndSet(String pluginId, String expected, String value) {
                throw new IllegalStateException("operation timed out");
            }
        };
        ClusterRateLimits alone = node(broken, new AtomicInteger(3), 3);
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += alone.tryAcquire("echo", 600) == 0 ? 1 : 0;
        }
        assertEquals(200, admitted, "a third of the 600-token bucket, at once");
        assertTrue(alone.mode().startsWith("UNREACHABLE"), alone.mode());
        assertEquals(1, asked.get(), "no lease asked again (each may wait half a second) for two seconds");
        now.addAndGet(ClusterRateLimits.RETRY_AFTER_FAILURE_MILLIS);
        alone.tryAcquire("echo", 600);
        assertEquals(2, asked.get(), "then asked again");
    }

    @Test
    void anEmptyBucketIsRefusedLocallyUntilItCanHoldTheNextBlock() {
        MemoryStore store = new MemoryStore();
        ClusterRateLimits single = node(store, new AtomicInteger(1), 1);
        for (int i = 0; i < 600; i++) {
            assertEquals(0, single.tryAcquire("echo", 600));
        }
        long retry = single.tryAcquire("echo", 600);
        assertEquals(600, retry, "six tokens (one block) at ten a second");
        int calls = store.calls.get();
        for (int i = 0; i < 100; i++) {
            assertTrue(single.tryAcquire("echo", 600) > 0);
        }
        assertEquals(calls, store.calls.get(), "refusals while the bucket is empty cost no round trip");
        assertEquals(1, ClusterRateLimits.block(60));
        assertEquals(6, ClusterRateLimits.block(600));
    }

    @Test
    void aForgedFullBucketCannotMakeANodeAdmitMoreThanItWouldAlone() {
        // A member that keeps writing a full bucket: without its ceiling the node would admit all 10,000.
        BucketStore forged = new BucketStore() {
            @Override
            public String get(String pluginId) {
                return SharedBucket.full(1_000_000, now.get()).text();
            }

            @Override
            public boolean compareAndSet(String pluginId, String expected, String value) {
                return true;
            }
        };
        ClusterRateLimits node = node(forged, new AtomicInteger(3), 3);
        int admitted = 0;
        for (int i = 0; i < 10_000; i++) {
            admitted += node.tryAcquire("echo", 600) == 0 ? 1 : 0;
        }
        assertEquals(600, admitted, "the plugin's own rate, as on a node without the cluster");
    }

    @Test
    void aBucketAnotherMemberWroteAsJunkRefusesRatherThanAdmits() {
        SharedBucket junk = SharedBucket.parse("NaN;x", 5);
        assertEquals(0, junk.available(1));
        SharedBucket bucket = SharedBucket.parse(SharedBucket.full(60, 1000).take(60).text(), 0);
        assertEquals(0, bucket.refill(60, 500).available(1), "a clock behind the last writer adds nothing");
        assertEquals(1, bucket.refill(60, 2000).available(5));
    }
}
