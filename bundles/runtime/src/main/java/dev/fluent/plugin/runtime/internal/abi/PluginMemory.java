package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A plugin's linear memory: capped at its {@code max_memory_mb}, and able to return to the state it had
 * right after instantiation, cheaply, so a pooled instance can serve the next request without any trace
 * of the last one.
 *
 * <ul>
 *   <li>The cap lives here because Chicory's {@code withMemoryLimits} replaces a module's limits instead
 *       of tightening them. A refused grow is remembered, so a trap that follows it (a guest allocator
 *       aborting) is reported as the memory limit it really is.</li>
 *   <li>The memory is kept in 4 KiB chunks. {@link #snapshot()} keeps the non-zero chunks of the memory as
 *       instantiated; {@link #reset()} copies back only the chunks written since, zeroes the rest of them
 *       and shrinks the memory to its snapshot size. A request that touched a few chunks costs a few
 *       microseconds to undo, whatever the size of the memory.</li>
 *   <li>Writes find out which chunks they dirty without a store of their own: they go through a second
 *       table, {@link #writable}, which holds only the chunks written since the last snapshot or reset. A
 *       write that meets a null entry takes the slow path once, which records the chunk and enters it.</li>
 * </ul>
 *
 * <p>The scalar fast paths, which Chicory's generated code calls for every load and store, are kept tiny so
 * that the JIT inlines them into large generated methods: no comparison with the memory's size, as an
 * access outside it meets a null entry or the end of a table and the JVM's own check catches it.
 *
 * <p>Not thread-safe, like the instance that owns it. Shared memories are refused at load.
 */
public final class PluginMemory implements Memory {

    private static final int PAGE_SHIFT = 16;
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    private static final int CHUNKS_PER_PAGE_SHIFT = PAGE_SHIFT - CHUNK_SHIFT;
    /**
     * Chunks a scalar access can reach: Chicory hands negative (2 GiB and above) addresses over as they are,
     * and they must trap, so the chunk index {@code addr >>> 12} of one is always past the tables' end.
     */
    private static final int ADDRESSABLE_CHUNKS = 1 << (31 - CHUNK_SHIFT);

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int initialPages;
    private final int maximumPages;
    /** The chunk arrays of the memory; the table may be longer (it grows by doubling), its entries past the memory null. */
    private byte[][] chunks;
    /** What reads go through: {@code chunks[c]} for chunks inside the memory, null beyond. */
    private byte[][] live;
    /** What writes go through: {@code chunks[c]} for chunks written since the last snapshot or reset, else null. */
    private byte[][] writable;
    /** The chunks entered in {@link #writable}, in the order written. */
    private int[] dirty = new int[64];
    private int dirtyCount;
    /** Written chunks no scalar access can reach (memory past 2 GiB); bulk operations may still write them. */
    private final BitSet dirtyHigh = new BitSet();
    private int pageCount;
    private boolean growRefused;
    /** A grow within the cap was refused because the JVM's heap could not hold it. */
    private boolean heapRefused;
    private DataSegment[] dataSegments = new DataSegment[0];

    private Snapshot snapshot;

    /** The memory as instantiated: its size, non-zero chunks, and data segments. */
    private record Snapshot(int pageCount, byte[][] chunks, DataSegment[] dataSegments) {
    }

    /**
     * @param declared the limits the module declares
     * @param capPages the plugin's cap, in 64 KiB pages
     */
    public PluginMemory(MemoryLimits declared, int capPages) {
        this.initialPages = declared.initialPages();
        this.maximumPages = Math.min(declared.maximumPages(), capPages);
        if (initialPages > maximumPages) {
            // The load step "imports and exports" refuses such modules; this guards direct use.
            throw new WasmRuntimeException("initial memory of " + initialPages + " pages exceeds the cap of "
                    + maximumPages);
        }
        this.chunks = new byte[0][];
        this.live = new byte[0][];
        this.writable = new byte[0][];
        this.pageCount = 0;
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

    /** Records the current state as the one {@link #reset()} returns to. */
    public void snapshot() {
        int chunkCount = pageCount << CHUNKS_PER_PAGE_SHIFT;
        byte[][] originals = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            if (!isZero(chunks[c])) {
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
        if (chunks.length > kept) {
            // Grown during the execution: back to the snapshot's tables, the chunks beyond become garbage.
            chunks = Arrays.copyOf(chunks, kept);
            live = Arrays.copyOf(live, Math.min(kept, ADDRESSABLE_CHUNKS));
            writable = Arrays.copyOf(writable, live.length);
        }
        pageCount = s.pageCount();
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

    private static boolean isZero(byte[] chunk) {
        for (int i = 0; i < CHUNK_SIZE; i += 8) {
            if ((long) LONG.get(chunk, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Records the chunks of {@code [addr, addr + size)}, a non-empty range already checked to lie in memory. */
    private void markDirty(int addr, int size) {
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

    private long size() {
        return (long) pageCount << PAGE_SHIFT;
    }

    private void checkBounds(int addr, long size) {
        if (addr < 0 || size < 0 || addr + size > size()) {
            throw outOfBounds(addr, size);
        }
    }

    private WasmRuntimeException outOfBounds(int addr, long size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + size() + " and size: " + size);
    }

    // --- size ---

    @Override
    public int pages() {
        return pageCount;
    }

    @Override
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
        return previous;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new WasmRuntimeException("attempt to wait on a non-shared memory");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new WasmRuntimeException("attempt to wait on a non-shared memory");
    }

    @Override
    public int notify(int address, int maxThreads) {
        checkBounds(address, 4);
        return 0;
    }

    // --- segments ---

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments.clone();
        for (DataSegment segment : segments) {
            if (segment instanceof ActiveDataSegment active && active.index() == memoryIndex) {
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                checkBounds(offset, data.length);
                write(offset, data, 0, data.length);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        DataSegment segment = dataSegments[segmentId];
        byte[] data = segment == null ? new byte[0] : segment.data();
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access");
        }
        checkBounds(dest, size);
        write(dest, data, offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = null;
    }

    // --- bulk ---

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        checkBounds(addr, size);
        if (size == 0) {
            return;
        }
        markDirty(addr, size);
        int done = 0;
        while (done < size) {
            int at = addr + done;
            int inChunk = at & CHUNK_MASK;
            int n = Math.min(size - done, CHUNK_SIZE - inChunk);
            System.arraycopy(data, offset + done, chunks[at >>> CHUNK_SHIFT], inChunk, n);
            done += n;
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkBounds(addr, len);
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            int at = addr + done;
            int inChunk = at & CHUNK_MASK;
            int n = Math.min(len - done, CHUNK_SIZE - inChunk);
            System.arraycopy(chunks[at >>> CHUNK_SHIFT], inChunk, out, done, n);
            done += n;
        }
        return out;
    }

    @Override
    public void zero() {
        fill((byte) 0, 0, (int) Math.min(size(), Integer.MAX_VALUE));
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        long size = (long) toIndex - fromIndex;
        checkBounds(fromIndex, size);
        if (size == 0) {
            return;
        }
        markDirty(fromIndex, (int) size);
        int at = fromIndex;
        while (at < toIndex) {
            int inChunk = at & CHUNK_MASK;
            int n = Math.min(toIndex - at, CHUNK_SIZE - inChunk);
            Arrays.fill(chunks[at >>> CHUNK_SHIFT], inChunk, inChunk + n, value);
            at += n;
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkBounds(src, size);
        checkBounds(dest, size);
        if (size == 0) {
            return;
        }
        // Through a temporary: source and destination may overlap across chunks.
        write(dest, readBytes(src, size), 0, size);
    }

    // --- scalars: a fast path inside one chunk, the byte-wise path across chunks or on a chunk's first write ---

    @Override
    public byte read(int addr) {
        try {
            return live[addr >>> CHUNK_SHIFT][addr & CHUNK_MASK];
        } catch (NullPointerException | IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeByte(int addr, byte data) {
        byte[] chunk = writableChunk(addr, 1);
        if (chunk != null) {
            chunk[addr & CHUNK_MASK] = data;
        } else {
            writeSlow(addr, data, 1);
        }
    }

    /** The chunk of {@code addr} if it was written since the last reset, else null; traps past the tables. */
    private byte[] writableChunk(int addr, int width) {
        try {
            return writable[addr >>> CHUNK_SHIFT];
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, width);
        }
    }

    private long readSlow(int addr, int width) {
        checkBounds(addr, width);
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            int at = addr + i;
            v = (v << 8) | (chunks[at >>> CHUNK_SHIFT][at & CHUNK_MASK] & 0xFF);
        }
        return v;
    }

    private void writeSlow(int addr, long value, int width) {
        checkBounds(addr, width);
        markDirty(addr, width);
        for (int i = 0; i < width; i++) {
            int at = addr + i;
            chunks[at >>> CHUNK_SHIFT][at & CHUNK_MASK] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public void writeShort(int addr, short data) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 2) {
            byte[] chunk = writableChunk(addr, 2);
            if (chunk != null) {
                SHORT.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 2);
    }

    @Override
    public short readShort(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 2) {
            try {
                return (short) SHORT.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
            } catch (NullPointerException | IndexOutOfBoundsException e) {
                throw outOfBounds(addr, 2);
            }
        }
        return (short) readSlow(addr, 2);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeI32(int addr, int data) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 4) {
            byte[] chunk = writableChunk(addr, 4);
            if (chunk != null) {
                INT.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 4);
    }

    @Override
    public int readInt(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 4) {
            try {
                return (int) INT.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
            } catch (NullPointerException | IndexOutOfBoundsException e) {
                throw outOfBounds(addr, 4);
            }
        }
        return (int) readSlow(addr, 4);
    }

    @Override
    public void writeLong(int addr, long data) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 8) {
            byte[] chunk = writableChunk(addr, 8);
            if (chunk != null) {
                LONG.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 8);
    }

    @Override
    public long readLong(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 8) {
            try {
                return (long) LONG.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
            } catch (NullPointerException | IndexOutOfBoundsException e) {
                throw outOfBounds(addr, 8);
            }
        }
        return readSlow(addr, 8);
    }

    @Override
    public void writeF32(int addr, float data) {
        writeI32(addr, Float.floatToRawIntBits(data));
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr) & 0xFFFF_FFFFL;
    }

    @Override
    public float readFloat(int addr) {
        return Float.intBitsToFloat(readInt(addr));
    }

    @Override
    public void writeF64(int addr, double data) {
        writeLong(addr, Double.doubleToRawLongBits(data));
    }

    @Override
    public double readDouble(int addr) {
        return Double.longBitsToDouble(readLong(addr));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }
}
