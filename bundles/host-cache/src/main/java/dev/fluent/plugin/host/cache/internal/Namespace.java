package dev.fluent.plugin.host.cache.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plugin's cache: entries in access order, evicted least recently used first when the namespace's byte
 * or entry bound would be passed, and dropped once expired. Thread-safe (executions of one plugin run in
 * parallel).
 */
final class Namespace {

    /** Bytes an entry costs besides its key and value, so that empty values cannot fill memory for free. */
    static final int ENTRY_OVERHEAD = 64;

    private record Entry(byte[] value, long expiresAtMillis, long cost) {
    }

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    synchronized byte[] get(String key, long nowMillis) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMillis <= nowMillis) {
            remove(key);
            return null;
        }
        return e.value;
    }

    /** Stores a value, evicting expired entries first, then the least recently used, to stay in bounds. */
    synchronized void put(String key, byte[] value, long expiresAtMillis, CacheSettings limits, long nowMillis) {
        remove(key);
        long cost = cost(key, value);
        dropExpired(nowMillis);
        Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
        while ((bytes + cost > limits.maxBytesPerPlugin() || entries.size() >= limits.maxEntriesPerPlugin())
                && oldest.hasNext()) {
            Map.Entry<String, Entry> e = oldest.next();
            bytes -= e.getValue().cost;
            oldest.remove();
        }
        entries.put(key, new Entry(value, expiresAtMillis, cost));
        bytes += cost;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    static long cost(String key, byte[] value) {
        return (long) key.length() * 2 + value.length + ENTRY_OVERHEAD;
    }

    private void remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.cost;
        }
    }

    private void dropExpired(long nowMillis) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.expiresAtMillis <= nowMillis) {
                bytes -= e.cost;
                it.remove();
            }
        }
    }
}
