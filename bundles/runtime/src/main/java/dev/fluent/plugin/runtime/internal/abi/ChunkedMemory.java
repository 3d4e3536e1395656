package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.DataSegment;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The storage under {@link PluginMemory}: 4 KiB chunk arrays, the tables accesses go through, the cap, and the
 * dirty tracking that lets {@link #reset()} undo an execution by copying back only the chunks it wrote.
 *
 * <ul>
 *   <li>{@link #snapshot()} keeps the non-zero chunks of the memory as instantiated; {@link #reset()} copies
 *       back only the chunks written since, zeroes the rest of them and shrinks the memory to its snapshot
 *       size. A request that touched a few chunks costs a few microseconds to undo, whatever the size of the
 *       memory.</li>
 *   <li>Writes find out which chunks they dirty without a store of their own: they go through a second table,
 *       {@link #writable}, which holds only the chunks written since the last snapshot or reset. A write that
 *       meets a null entry takes the slow path once, which records the chunk and enters it.</li>
 * </ul>
 *
 * <p>{@link #live}, {@link #writable} and {@link #boundFlipped} are public, and read directly by the compiled
 * plugin code that {@code compile.MemoryAccessInliner} rewrites: every scalar access there checks its address
 * against {@code boundFlipped}, then indexes the table, with no call in between. They change only here, on a
 * grow, a snapshot or a reset; nothing outside this package writes them.
 */
public abstract class ChunkedMemory {

    static final int PAGE_SHIFT = 16;
    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK_SIZE - 1;
    static final int CHUNKS_PER_PAGE_SHIFT = PAGE_SHIFT - CHUNK_SHIFT;
    /**
     * Chunks a scalar access can reach: Chicory hands negative (2 GiB and above) addresses over as they are,
     * and they must trap, so the chunk index {@code addr >>> 12} of one is always past the tables' end.
     */
    static final int ADDRESSABLE_CHUNKS = 1 << (31 - CHUNK_SHIFT);

    private final int initialPages;
    private final int maximumPages;
    /** The chunk arrays of the memory; the table may be longer (it grows by doubling), its entries past the memory null. */
    byte[][] chunks;
    /** What reads go through: {@code chunks[c]} for chunks inside the memory, null beyond. */
    public byte[][] live;
    /** What writes go through: {@code chunks[c]} for chunks written since the last snapshot or reset, else null. */
    public byte[][] writable;
    /**
     * The bytes a scalar access may start below, sign-flipped ({@code ^ Integer.MIN_VALUE}) so that one signed
     * comparison of a flipped address with it is the unsigned one: addresses of 2 GiB and above, negative as
     * ints, fail it too. Every chunk below it is in {@link #live} (and {@link #writable} has the same length).
     */
    public int boundFlipped;
    /** The chunks entered in {@link #writable}, in the order written. */
    private int[] dirty = new int[64];
    private int dirtyCount;
    /** Written chunks no scalar access can reach (memory past 2 GiB); bulk operations may still write them. */
    private final BitSet dirtyHigh = new BitSet();
    int pageCount;
    private boolean growRefused;
    /** A grow within the cap was refused because the JVM's heap could not hold it. */
    private boolean heapRefused;
    DataSegment[] dataSegments = new DataSegment[0];

    private Snapshot snapshot;

    /** The memory as instantiated: its size, non-zero chunks, and data segments. */
    private record Snapshot(int pageCount, byte[][] chunks, DataSegment[] dataSegments) {
    }

    ChunkedMemory(int initialPages, int maximumPages) {
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        if (initialPages > maximumPages) {
            // The load step "imports and exports" refuses such modules; this guards direct use.
            throw new WasmRuntimeException("initial memory of " + initialPages + " pages exceeds the cap of "
                    + maximumPages);
        }
        this.chunks = new byte[0][];
        this.live = new byte[0][];
        this.writable = new byte[0][];
        this.pageCount = 0;
        updateBound();
        if (grow(initialPages) < 0) {
            // Reported like any other exhaustion of the heap while an instance is made.
            throw new OutOfMemoryError("the JVM's heap cannot hold the initial memory of " + initialPages + " pages");
        }
    }

    public boolean growRefused() {
        return growRefused;
    }

    /** Whether a grow within the cap was refused since the last snapshot or reset, for want of heap. */
    public boolean heapRefused() {
        return heapRefused;
    }

    /** Bytes currently held in chunk arrays, for memory accounting. */
    public long retainedBytes() {
        long n = 0;
        for (byte[] chunk : chunks) {
            if (chunk != null) {
                n += chunk.length;
            }
        }
        return n;
    }

    public int pages() {
        return pageCount;
    }

    public int initialPages() {
        return initialPages;
    }

    public int maximumPages() {
        return maximumPages;
    }

    /** Records the current state as the one {@link #reset()} returns to. */
    public void snapshot() {
        int chunkCount = pageCount << CHUNKS_PER_PAGE_SHIFT;
        byte[][] originals = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            if (!Chunks.isZero(chunks[c])) {
                originals[c] = chunks[c].clone();
            }
        }
        snapshot = new Snapshot(pageCount, originals, dataSegments.clone());
        forgetWrites();
        if (chunks.length > chunkCount) {
            // The tables at the memory's exact size: reset() takes a longer one as growth to give back.
            chunks = Arrays.copyOf(chunks, chunkCount);
            live = Arrays.copyOf(live, Math.min(chunkCount, ADDRESSABLE_CHUNKS));
            writable = Arrays.copyOf(writable, live.length);
        }
        growRefused = false;
    }

    /**
     * Returns to the snapshot: every chunk written since is restored (or zeroed), and memory grown since is
     * given back to the heap, so an instance waiting in a pool holds no more than it did when it was made.
     */
    public void reset() {
        Snapshot s = snapshot;
        byte[][] originals = s.chunks();
        int kept = s.pageCount() << CHUNKS_PER_PAGE_SHIFT;
        for (int i = 0; i < dirtyCount; i++) {
            if (dirty[i] < kept) {
                restore(dirty[i], originals);
            }
        }
        for (int c = dirtyHigh.nextSetBit(0); c >= 0 && c < kept; c = dirtyHigh.nextSetBit(c + 1)) {
            restore(c, originals);
        }
        forgetWrites();
        pageCount = s.pageCount();
        updateBound();
        if (chunks.length > kept) {
            // Grown during the execution: back to the snapshot's tables, the chunks beyond become garbage.
            chunks = Arrays.copyOf(chunks, kept);
            live = Arrays.copyOf(live, Math.min(kept, ADDRESSABLE_CHUNKS));
            writable = Arrays.copyOf(writable, live.length);
        }
        dataSegments = s.dataSegments().clone();
        growRefused = false;
        heapRefused = false;
    }

    private void restore(int c, byte[][] originals) {
        byte[] original = c < originals.length ? originals[c] : null;
        if (original != null) {
            System.arraycopy(original, 0, chunks[c], 0, CHUNK_SIZE);
        } else {
            Arrays.fill(chunks[c], (byte) 0);
        }
    }

    private void forgetWrites() {
        for (int i = 0; i < dirtyCount; i++) {
            writable[dirty[i]] = null;
        }
        dirtyCount = 0;
        dirtyHigh.clear();
    }

    /** Records the chunks of {@code [addr, addr + size)}, a non-empty range already checked to lie in memory. */
    final void markDirty(int addr, int size) {
        int first = addr >>> CHUNK_SHIFT;
        int last = (addr + size - 1) >>> CHUNK_SHIFT;
        for (int c = first; c <= last; c++) {
            if (c >= writable.length) {
                dirtyHigh.set(c);
            } else if (writable[c] == null) {
                writable[c] = chunks[c];
                if (dirtyCount == dirty.length) {
                    dirty = Arrays.copyOf(dirty, dirtyCount * 2);
                }
                dirty[dirtyCount++] = c;
            }
        }
    }

    final long size() {
        return (long) pageCount << PAGE_SHIFT;
    }

    /** Sets {@link #boundFlipped} from the current size: below 2 GiB, the part the tables cover. */
    private void updateBound() {
        long bound = Math.min(size(), (long) ADDRESSABLE_CHUNKS << CHUNK_SHIFT) - 1;
        // Minus one byte (an access starting there takes the checked path): the bound fits an int.
        boundFlipped = (int) Math.max(bound, 0) ^ Integer.MIN_VALUE;
    }

    final void checkBounds(int addr, long size) {
        if (addr < 0 || size < 0 || addr + size > size()) {
            throw outOfBounds(addr, size);
        }
    }

    final WasmRuntimeException outOfBounds(int addr, long size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + size() + " and size: " + size);
    }

    public int grow(int size) {
        int previous = pageCount;
        if (size < 0 || (long) previous + size > maximumPages) {
            growRefused = true;
            return -1;
        }
        int next = previous + size;
        int nextChunks = next << CHUNKS_PER_PAGE_SHIFT;
        try {
            if (chunks.length < nextChunks) {
                // The tables grow by doubling, up to the cap; only the first 2 GiB is ever in live and writable.
                int capacity = Math.min(Math.max(nextChunks, chunks.length * 2), maximumPages << CHUNKS_PER_PAGE_SHIFT);
                byte[][] grownChunks = Arrays.copyOf(chunks, capacity);
                byte[][] grownLive = Arrays.copyOf(live, Math.min(capacity, ADDRESSABLE_CHUNKS));
                byte[][] grownWritable = Arrays.copyOf(writable, grownLive.length);
                chunks = grownChunks;
                live = grownLive;
                writable = grownWritable;
            }
            for (int c = previous << CHUNKS_PER_PAGE_SHIFT; c < nextChunks; c++) {
                if (chunks[c] == null) {
                    chunks[c] = new byte[CHUNK_SIZE];
                }
            }
        } catch (OutOfMemoryError e) {
            // The heap cannot hold it: refused like a grow past the cap (memory.grow answers -1), and what this
            // grow took is given back at once, so the platform's other threads get their heap back.
            int from = previous << CHUNKS_PER_PAGE_SHIFT;
            Arrays.fill(chunks, from, Math.min(nextChunks, chunks.length), null);
            growRefused = true;
            heapRefused = true;
            return -1;
        }
        for (int c = previous << CHUNKS_PER_PAGE_SHIFT; c < nextChunks && c < live.length; c++) {
            live[c] = chunks[c];
        }
        pageCount = next;
        updateBound();
        return previous;
    }
}
