package dev.fluent.plugin.cluster.internal.limits;

import com.hazelcast.map.IMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster-wide buckets in the Hazelcast map {@code fluent.rates} (plugin id → bucket text). Each call waits at
 * most {@link #TIMEOUT_MILLIS}: Hazelcast retries an operation whose partition owner just died until the partition
 * moves, which can take seconds, and an execution must not wait that long; past it the lease fails and the node
 * decides from its local share (a late write then only takes tokens nobody spends: never more than the limit).
 */
public final class HazelcastBuckets implements BucketStore, AutoCloseable {

    static final long TIMEOUT_MILLIS = 500;

    private final IMap<String, String> rates;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fluent-cluster-rates");
        thread.setDaemon(true);
        return thread;
    });

    public HazelcastBuckets(IMap<String, String> rates) {
        this.rates = rates;
    }

    @Override
    public String get(String pluginId) {
        return within(rates.getAsync(pluginId).toCompletableFuture());
    }

    @Override
    public boolean compareAndSet(String pluginId, String expected, String value) {
        return within(CompletableFuture.supplyAsync(() -> expected == null ? rates.putIfAbsent(pluginId, value) == null
                : rates.replace(pluginId, expected, value), calls));
    }

    private static <T> T within(CompletableFuture<T> call) {
        try {
            return call.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from the member owning the bucket within " + TIMEOUT_MILLIS
                    + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while leasing", e);
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
