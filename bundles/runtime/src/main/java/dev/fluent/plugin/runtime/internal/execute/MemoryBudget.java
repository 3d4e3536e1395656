package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The share of the heap that loaded plugins may reserve between them, and what each holds. A plugin is
 * admitted only if its worst case fits in what is left: every instance of its pool grown to its memory cap,
 * plus an estimate of its compiled code. Guest memory lives on the JVM's heap, so without this a few plugins
 * that each ask a large cap could, together, take the heap from the platform and from every other plugin.
 *
 * <p>Reservations are kept per plugin id, and an id counts once, at its largest reservation: while a reload
 * holds the new version's reservation beside the old one's, the two versions count as one (the old version's
 * idle instances are dropped at the swap; only executions in flight finish on it). A failed reload releases
 * its own reservation and leaves the old one as it was.
 */
public final class MemoryBudget {

    /** Instances per plugin unless the configuration says otherwise ({@code pool_size}). */
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Share of the heap plugins may reserve unless the configuration says otherwise. */
    public static final int DEFAULT_PERCENT = 70;
    /**
     * Compiled code, estimated from the module: the classes Chicory's compiler makes, their metadata and the
     * JIT's code come to a few times the size of the WebAssembly they were made from.
     */
    public static final int CODE_PER_MODULE_BYTE = 4;

    private static final long MIB = 1024 * 1024;
    private static final long PAGE = 64 * 1024;

    private final long heapBytes;
    private volatile int percent = DEFAULT_PERCENT;
    private volatile int poolSize = DEFAULT_POOL_SIZE;
    /** The reservations held, per plugin id. Guarded by {@code this}. */
    private final Map<String, List<Reservation>> held = new HashMap<>();

    /** @param heapBytes the heap the budget is a share of: {@link Runtime#maxMemory()} in the platform */
    public MemoryBudget(long heapBytes) {
        this.heapBytes = heapBytes;
    }

    /** A budget of this JVM's heap. */
    public static MemoryBudget ofHeap() {
        return new MemoryBudget(Runtime.getRuntime().maxMemory());
    }

    /** @param percent the share of the heap plugins may reserve (1 to 100) */
    public void configure(int percent, int poolSize) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("memory_budget_percent must be 1 to 100, not " + percent);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool_size must be at least 1, not " + poolSize);
        }
        this.percent = percent;
        this.poolSize = poolSize;
    }

    /** Instances in the pool of a plugin loaded from now on. */
    public int poolSize() {
        return poolSize;
    }

    public long heapBytes() {
        return heapBytes;
    }

    /** The bytes plugins may reserve between them. */
    public long budgetBytes() {
        return heapBytes / 100 * percent;
    }

    /** The bytes reserved now: for each plugin id, its largest reservation. */
    public synchronized long reservedBytes() {
        long sum = 0;
        for (List<Reservation> r : held.values()) {
            sum += largest(r);
        }
        return sum;
    }

    /** What {@code pluginId} holds now (its largest reservation), or 0. */
    public synchronized long reservedBytes(String pluginId) {
        List<Reservation> r = held.get(pluginId);
        return r == null ? 0 : largest(r);
    }

    /**
     * Reserves a plugin's worst case, or refuses it.
     *
     * @param memoryPages the most pages one instance's memory can reach: the smaller of the module's own
     *        maximum and the plugin's {@code max_memory_mb}
     * @param moduleBytes the size of {@code plugin.wasm}, from which the compiled code is estimated
     * @throws PluginException {@code INSUFFICIENT_MEMORY}, with the figures and what to change
     */
    public synchronized Reservation reserve(String pluginId, int maxMemoryMb, long memoryPages, long moduleBytes)
            throws PluginException {
        int instances = poolSize;
        long perInstance = memoryPages * PAGE;
        long code = moduleBytes * CODE_PER_MODULE_BYTE;
        long needed = perInstance * instances + code;
        List<Reservation> own = held.get(pluginId);
        long ownNow = own == null ? 0 : largest(own);
        long othersReserved = reservedBytes() - ownNow;
        long budget = budgetBytes();
        if (othersReserved + needed > budget) {
            throw new PluginException(ErrorCode.INSUFFICIENT_MEMORY, pluginId, String.format(Locale.ROOT,
                    "plugin %s needs up to %s (%d instances × %s of memory (max_memory_mb=%d), plus %s of compiled"
                    + " code), but the plugins loaded reserve %s of the memory budget of %s (%d%% of a %s heap),"
                    + " leaving %s. Lower its max_memory_mb, lower pool_size or raise memory_budget_percent in"
                    + " etc/dev.fluent.plugin.cfg, unload a plugin, or give the JVM more heap (JAVA_MAX_MEM, -Xmx)",
                    pluginId, mib(needed), instances, mib(perInstance), maxMemoryMb, mib(code), mib(othersReserved),
                    mib(budget), percent, mib(heapBytes), mib(Math.max(0, budget - othersReserved))));
        }
        Reservation r = new Reservation(pluginId, needed, instances);
        held.computeIfAbsent(pluginId, k -> new ArrayList<>(2)).add(r);
        return r;
    }

    private synchronized void release(Reservation r) {
        List<Reservation> own = held.get(r.pluginId);
        if (own != null && own.remove(r) && own.isEmpty()) {
            held.remove(r.pluginId);
        }
    }

    private static long largest(List<Reservation> reservations) {
        long most = 0;
        for (Reservation r : reservations) {
            most = Math.max(most, r.bytes);
        }
        return most;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    /** What one loaded version holds until it is unloaded or replaced; releasing it twice does nothing. */
    public final class Reservation {
        private final String pluginId;
        private final long bytes;
        private final int instances;
        private boolean released;

        private Reservation(String pluginId, long bytes, int instances) {
            this.pluginId = pluginId;
            this.bytes = bytes;
            this.instances = instances;
        }

        public long bytes() {
            return bytes;
        }

        /** The pool size its worst case was computed with: the pool of the plugin holding it. */
        public int instances() {
            return instances;
        }

        public void release() {
            synchronized (MemoryBudget.this) {
                if (!released) {
                    released = true;
                    MemoryBudget.this.release(this);
                }
            }
        }
    }
}
