package dev.fluent.plugin.runtime.internal;

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

/**
 * A plugin's linear memory: capped at its {@code max_memory_mb}, and able to return to the state it had
 * right after instantiation, cheaply, so a pooled instance can serve the next request without any trace
 * of the last one.
 *
 * <ul>
 *   <li>The cap lives here because Chicory's {@code withMemoryLimits} replaces a module's limits instead
 *       of tightening them. A refused grow is remembered, so a trap that follows it (a guest allocator
 *       aborting) is reported as the memory limit it really is.</li>
 *   <li>Every write marks its 4 KiB chunk dirty. {@link #snapshot()} keeps the non-zero chunks of the
 *       memory as instantiated; {@link #reset()} copies back only the chunks written since, zeroes the
 *       rest of them and shrinks the memory to its snapshot size. A request that touched a few pages
 *       costs a few microseconds to undo, whatever the size of the memory.</li>
 * </ul>
 *
 * <p>Not thread-safe, like the instance that owns it. Shared memories are refused at load.
 */
final class PluginMemory implements Memory {

    private static final int PAGE_SHIFT = 16;
    private static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNKS_PER_PAGE_SHIFT = PAGE_SHIFT - CHUNK_SHIFT;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int initialPages;
    private final int maximumPages;
    /** Page arrays; those past {@link #pageCount} are kept, all zero, for the next grow. */
    private final byte[][] pages;
    /** One bit per 4 KiB chunk written since the last snapshot or reset. */
    private final long[] dirty;
    private int pageCount;
    private boolean growRefused;
    private DataSegment[] dataSegments = new DataSegment[0];

    private Snapshot snapshot;

    /** The memory as instantiated: its size, non-zero chunks, and data segments. */
    private record Snapshot(int pageCount, byte[][] chunks, DataSegment[] dataSegments) {
    }

    /**
     * @param declared the limits the module declares
     * @param capPages the plugin's cap, in 64 KiB pages
     */
    PluginMemory(MemoryLimits declared, int capPages) {
        this.initialPages = declared.initialPages();
        this.maximumPages = Math.min(declared.maximumPages(), capPages);
        if (initialPages > maximumPages) {
            // ModuleInspector refuses such modules at load; this guards direct use.
            throw new WasmRuntimeException("initial memory of " + initialPages + " pages exceeds the cap of "
                    + maximumPages);
        }
        this.pages = new byte[maximumPages][];
        this.dirty = new long[(maximumPages << CHUNKS_PER_PAGE_SHIFT) / 64 + 1];
        for (int i = 0; i < initialPages; i++) {
            pages[i] = new byte[PAGE_SIZE];
        }
        this.pageCount = initialPages;
    }

    boolean growRefused() {
        return growRefused;
    }

    /** Bytes currently held in page arrays, for memory accounting. */
    long retainedBytes() {
        long n = 0;
        for (byte[] page : pages) {
            if (page != null) {
                n += page.length;
            }
        }
        return n;
    }

    /** Records the current state as the one {@link #reset()} returns to. */
    void snapshot() {
        int chunkCount = pageCount << CHUNKS_PER_PAGE_SHIFT;
        byte[][] chunks = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            byte[] page = pages[c >>> CHUNKS_PER_PAGE_SHIFT];
            int from = (c << CHUNK_SHIFT) & PAGE_MASK;
            if (!isZero(page, from, from + CHUNK_SIZE)) {
                chunks[c] = Arrays.copyOfRange(page, from, from + CHUNK_SIZE);
            }
        }
        snapshot = new Snapshot(pageCount, chunks, dataSegments.clone());
        Arrays.fill(dirty, 0);
        growRefused = false;
    }

    /** Returns to the snapshot: every chunk written since is restored (or zeroed), growth is undone. */
    void reset() {
        Snapshot s = snapshot;
        for (int word = 0; word < dirty.length; word++) {
            long bits = dirty[word];
            while (bits != 0) {
                int c = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                byte[] page = pages[c >>> CHUNKS_PER_PAGE_SHIFT];
                int from = (c << CHUNK_SHIFT) & PAGE_MASK;
                byte[] original = c < s.chunks().length ? s.chunks()[c] : null;
                if (original != null) {
                    System.arraycopy(original, 0, page, from, CHUNK_SIZE);
                } else {
                    Arrays.fill(page, from, from + CHUNK_SIZE, (byte) 0);
                }
            }
            dirty[word] = 0;
        }
        pageCount = s.pageCount();
        dataSegments = s.dataSegments().clone();
        growRefused = false;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i += 8) {
            if ((long) LONG.get(bytes, i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void markDirty(int addr, int size) {
        int first = addr >>> CHUNK_SHIFT;
        int last = (addr + size - 1) >>> CHUNK_SHIFT;
        dirty[first >>> 6] |= 1L << first;
        if (last != first) {
            for (int c = first + 1; c <= last; c++) {
                dirty[c >>> 6] |= 1L << c;
            }
        }
    }

    private long size() {
        return (long) pageCount << PAGE_SHIFT;
    }

    private void checkBounds(int addr, long size) {
        if (addr < 0 || size < 0 || addr + size > size()) {
            throw new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                    + " but limit is: " + size() + " and size: " + size);
        }
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
        for (int i = previous; i < previous + size; i++) {
            if (pages[i] == null) {
                pages[i] = new byte[PAGE_SIZE];
            }
        }
        pageCount = previous + size;
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
            int inPage = at & PAGE_MASK;
            int n = Math.min(size - done, PAGE_SIZE - inPage);
            System.arraycopy(data, offset + done, pages[at >>> PAGE_SHIFT], inPage, n);
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
            int inPage = at & PAGE_MASK;
            int n = Math.min(len - done, PAGE_SIZE - inPage);
            System.arraycopy(pages[at >>> PAGE_SHIFT], inPage, out, done, n);
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
            int inPage = at & PAGE_MASK;
            int n = Math.min(toIndex - at, PAGE_SIZE - inPage);
            Arrays.fill(pages[at >>> PAGE_SHIFT], inPage, inPage + n, value);
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
        // Through a temporary: source and destination may overlap across pages.
        write(dest, readBytes(src, size), 0, size);
    }

    // --- scalars: a fast path inside one page, the byte-wise path across pages ---

    @Override
    public byte read(int addr) {
        if (addr >= 0 && (addr >>> PAGE_SHIFT) < pageCount) {
            return pages[addr >>> PAGE_SHIFT][addr & PAGE_MASK];
        }
        checkBounds(addr, 1);
        throw new IllegalStateException();
    }

    @Override
    public void writeByte(int addr, byte data) {
        if (addr >= 0 && (addr >>> PAGE_SHIFT) < pageCount) {
            dirty[addr >>> (CHUNK_SHIFT + 6)] |= 1L << (addr >>> CHUNK_SHIFT);
            pages[addr >>> PAGE_SHIFT][addr & PAGE_MASK] = data;
            return;
        }
        checkBounds(addr, 1);
    }

    private boolean inOnePage(int addr, int width) {
        return addr >= 0 && (addr >>> PAGE_SHIFT) < pageCount && (addr & PAGE_MASK) <= PAGE_SIZE - width;
    }

    private long readSlow(int addr, int width) {
        checkBounds(addr, width);
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            int at = addr + i;
            v = (v << 8) | (pages[at >>> PAGE_SHIFT][at & PAGE_MASK] & 0xFF);
        }
        return v;
    }

    private void writeSlow(int addr, long value, int width) {
        checkBounds(addr, width);
        markDirty(addr, width);
        for (int i = 0; i < width; i++) {
            int at = addr + i;
            pages[at >>> PAGE_SHIFT][at & PAGE_MASK] = (byte) (value >>> (8 * i));
        }
    }

    private void markChunk(int addr, int width) {
        // Callers write within one page; a 2-8 byte value may still straddle two chunks of it.
        dirty[addr >>> (CHUNK_SHIFT + 6)] |= 1L << (addr >>> CHUNK_SHIFT);
        int end = addr + width - 1;
        dirty[end >>> (CHUNK_SHIFT + 6)] |= 1L << (end >>> CHUNK_SHIFT);
    }

    @Override
    public void writeShort(int addr, short data) {
        if (inOnePage(addr, 2)) {
            markChunk(addr, 2);
            SHORT.set(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK, data);
        } else {
            writeSlow(addr, data, 2);
        }
    }

    @Override
    public short readShort(int addr) {
        if (inOnePage(addr, 2)) {
            return (short) SHORT.get(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK);
        }
        return (short) readSlow(addr, 2);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeI32(int addr, int data) {
        if (inOnePage(addr, 4)) {
            markChunk(addr, 4);
            INT.set(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK, data);
        } else {
            writeSlow(addr, data, 4);
        }
    }

    @Override
    public int readInt(int addr) {
        if (inOnePage(addr, 4)) {
            return (int) INT.get(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK);
        }
        return (int) readSlow(addr, 4);
    }

    @Override
    public void writeLong(int addr, long data) {
        if (inOnePage(addr, 8)) {
            markChunk(addr, 8);
            LONG.set(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK, data);
        } else {
            writeSlow(addr, data, 8);
        }
    }

    @Override
    public long readLong(int addr) {
        if (inOnePage(addr, 8)) {
            return (long) LONG.get(pages[addr >>> PAGE_SHIFT], addr & PAGE_MASK);
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
