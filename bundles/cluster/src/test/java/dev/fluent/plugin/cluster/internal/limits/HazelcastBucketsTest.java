package dev.fluent.plugin.cluster.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The buckets' compare-and-set on a real Hazelcast map, as a member runs it. */
class HazelcastBucketsTest {

    private static HazelcastInstance member;

    @BeforeAll
    static void start() {
        Config config = new Config();
        config.setClusterName("buckets-test-" + ProcessHandle.current().pid());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().setPort(0).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getJetConfig().setEnabled(false);
        member = Hazelcast.newHazelcastInstance(config);
    }

    @AfterAll
    static void stop() {
        member.shutdown();
    }

    @Test
    void writesOnlyOverTheValueItRead() {
        try (HazelcastBuckets buckets = new HazelcastBuckets(member.getMap("rates-cas"))) {
            assertNull(buckets.get("echo"));
            assertTrue(buckets.compareAndSet("echo", null, "1.0000;1"));
            assertFalse(buckets.compareAndSet("echo", null, "2.0000;2"), "absent no more");
            assertFalse(buckets.compareAndSet("echo", "9.0000;9", "2.0000;2"), "not what was read");
            assertTrue(buckets.compareAndSet("echo", "1.0000;1", "2.0000;2"));
            assertEquals("2.0000;2", buckets.get("echo"));
        }
    }

    @Test
    void theClusterAdmitsOneBucketsWorthThroughTheMap() {
        try (HazelcastBuckets buckets = new HazelcastBuckets(member.getMap("rates-lease"))) {
            ClusterRateLimits a = ClusterRateLimits.over(buckets, () -> 2, () -> 2);
            ClusterRateLimits b = ClusterRateLimits.over(buckets, () -> 2, () -> 2);
            AtomicInteger admitted = new AtomicInteger();
            long started = System.nanoTime();
            for (int i = 0; i < 400; i++) {
                if ((i % 2 == 0 ? a : b).tryAcquire("echo", 300) == 0) {
                    admitted.incrementAndGet();
                }
            }
            // 300 at once, and what refilled while the loop ran (5 a second).
            long refilled = (System.nanoTime() - started) * 5 / 1_000_000_000L + 1;
            assertTrue(admitted.get() >= 300 && admitted.get() <= 300 + refilled, admitted + " admitted");
            assertEquals("cluster-wide", a.mode());
        }
    }
}
