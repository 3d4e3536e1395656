package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * A plugin's linear memory: capped at its {@code max_memory_mb}, and able to return to the state it had
 * right after instantiation, cheaply, so a pooled instance can serve the next request without any trace
 * of the last one ({@link LinearStorage} holds the bytes, the cap and the dirty tracking).
 *
 * <p>The cap lives here because Chicory's {@code withMemoryLimits} replaces a module's limits instead of
 * tightening them. A refused grow is remembered, so a trap that follows it (a guest allocator aborting) is
 * reported as the memory limit it really is.
 *
 * <p>Compiled plugin code does not call the scalar methods below on its fast path: {@code
 * compile.MemoryAccessInliner} rewrites it to index the flat array itself, and to call these only for what its
 * inline check leaves: an access in the memory's last 7 bytes or past 2 GiB, or an address outside the memory
 * (which traps here, with the message below).
 * Host functions and the bulk instructions ({@code memory.fill}, {@code memory.copy}, {@code memory.init})
 * come here too.
 *
 * <p>Not thread-safe, like the instance that owns it. Shared memories are refused at load.
 */
public final class PluginMemory extends LinearStorage implements Memory {

    /**
     * Loop iterations compiled code may run between two checks for interruption. Small enough that even loops
     * whose bodies are as large as a JVM method allows see an interrupt within milliseconds; large enough that
     * the check itself vanishes from hot loops.
     */
    public static final int INTERRUPT_INTERVAL = 256;

    /**
     * @param declared the limits the module declares
     * @param capPages the plugin's cap, in 64 KiB pages
     */
    public PluginMemory(MemoryLimits declared, int capPages) {
        super(declared.initialPages(), Math.min(declared.maximumPages(), capPages));
    }

    // --- size ---

    @Override
    public int pages() {
        return super.pages();
    }

    @Override
    public int grow(int size) {
        return super.grow(size);
    }

    @Override
    public int initialPages() {
        return super.initialPages();
    }

    @Override
    public int maximumPages() {
        return super.maximumPages();
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

    // --- interruption ---

    /**
     * What a compiled loop calls when its countdown ({@code compile.LoopCheckSite}) runs out: ends the execution
     * exactly as Chicory's own check does if the thread was interrupted (the platform's deadline interrupts it).
     */
    public void checkInterruption() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
        }
    }

    /**
     * Marks the cards of every write a chunk of a versioned loop ({@code compile.LoopVersion}) may start from
     * {@code from} to {@code to}, effective addresses the loop checked to lie under the bound. Plain array
     * stores: were a range ever wrong, the JVM's own check would throw rather than write elsewhere.
     */
    public static void markCards(byte[] cards, long from, long to) {
        for (long card = from >>> CARD_SHIFT, last = to >>> CARD_SHIFT; card <= last; card++) {
            cards[(int) card] = 1;
        }
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
        copyIn(addr, data, offset, size);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkBounds(addr, len);
        return copyOut(addr, len);
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
        markDirty(fromIndex, size);
        fillRange(fromIndex, toIndex, value);
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkBounds(src, size);
        checkBounds(dest, size);
        if (size == 0) {
            return;
        }
        markDirty(dest, size);
        if ((long) Math.max(src, dest) + size <= FLAT_BYTES) {
            // Within one array, overlapping or not: arraycopy copies as if through a temporary.
            System.arraycopy(flat, src, flat, dest, size);
        } else {
            copyIn(dest, copyOut(src, size), 0, size);
        }
    }

    // --- scalars: inside the flat part's bound at once; the checked, byte-wise path for the rest ---

    private long readSlow(int addr, int width) {
        checkBounds(addr, width);
        return readBytewise(addr, width);
    }

    private void writeSlow(int addr, long value, int width) {
        checkBounds(addr, width);
        markDirty(addr, width);
        writeBytewise(addr, value, width);
    }

    private boolean inBound(int addr) {
        return (addr & 0xFFFF_FFFFL) < bound;
    }

    /** Marks the card a fast-path write starts in: {@link #reset()} also restores the 7 bytes after it. */
    private void mark(int addr) {
        cards[addr >>> CARD_SHIFT] = 1;
    }

    @Override
    public byte read(int addr) {
        return inBound(addr) ? flat[addr] : (byte) readSlow(addr, 1);
    }

    @Override
    public void writeByte(int addr, byte data) {
        if (inBound(addr)) {
            flat[addr] = data;
            mark(addr);
        } else {
            writeSlow(addr, data, 1);
        }
    }

    @Override
    public short readShort(int addr) {
        return inBound(addr) ? (short) MemoryViews.SHORT.get(flat, addr) : (short) readSlow(addr, 2);
    }

    @Override
    public void writeShort(int addr, short data) {
        if (inBound(addr)) {
            MemoryViews.SHORT.set(flat, addr, data);
            mark(addr);
        } else {
            writeSlow(addr, data, 2);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public int readInt(int addr) {
        return inBound(addr) ? (int) MemoryViews.INT.get(flat, addr) : (int) readSlow(addr, 4);
    }

    @Override
    public void writeI32(int addr, int data) {
        if (inBound(addr)) {
            MemoryViews.INT.set(flat, addr, data);
            mark(addr);
        } else {
            writeSlow(addr, data, 4);
        }
    }

    @Override
    public long readLong(int addr) {
        return inBound(addr) ? (long) MemoryViews.LONG.get(flat, addr) : readSlow(addr, 8);
    }

    @Override
    public void writeLong(int addr, long data) {
        if (inBound(addr)) {
            MemoryViews.LONG.set(flat, addr, data);
            mark(addr);
        } else {
            writeSlow(addr, data, 8);
        }
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
