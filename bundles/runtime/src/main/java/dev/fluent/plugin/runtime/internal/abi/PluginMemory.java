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
 * of the last one ({@link ChunkedMemory} holds the chunks, the cap and the dirty tracking).
 *
 * <p>The cap lives here because Chicory's {@code withMemoryLimits} replaces a module's limits instead of
 * tightening them. A refused grow is remembered, so a trap that follows it (a guest allocator aborting) is
 * reported as the memory limit it really is.
 *
 * <p>Compiled plugin code does not call the scalar methods below on its fast path: {@code
 * compile.MemoryAccessInliner} rewrites it to index the chunk tables itself, and to call these only for what
 * its inline checks leave: an access that straddles two chunks, a chunk's first write since the last reset
 * (which records it as dirty), or an address outside the memory (which traps here, with the message below).
 * Host functions and the bulk instructions ({@code memory.fill}, {@code memory.copy}, {@code memory.init})
 * come here too.
 *
 * <p>Not thread-safe, like the instance that owns it. Shared memories are refused at load.
 */
public final class PluginMemory extends ChunkedMemory implements Memory {

    /**
     * Loop iterations compiled code may run between two checks for interruption. Small enough that even loops
     * whose bodies are as large as a JVM method allows see an interrupt within milliseconds; large enough that
     * the check itself vanishes from hot loops.
     */
    public static final int INTERRUPT_INTERVAL = 256;

    /**
     * Back edges left before compiled code next checks whether its thread was interrupted. Public because the
     * loops of compiled plugin code ({@code compile.LoopCheckSite}) count it down in place: a plain field of the
     * instance's own memory (one thread at a time, like the instance) where Chicory read the thread's volatile
     * interrupt flag on every iteration, which kept the JIT from hoisting anything out of the loop. Bulk
     * operations, whose cost grows with their size, set it to zero so the next back edge checks at once.
     */
    public int interruptCountdown = INTERRUPT_INTERVAL;

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
        interruptCountdown = 0;
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
     * What a compiled loop calls when {@link #interruptCountdown} runs out: refills it, and ends the execution
     * exactly as Chicory's own check does if the thread was interrupted (the platform's deadline interrupts it).
     */
    public void checkInterruption() {
        interruptCountdown = INTERRUPT_INTERVAL;
        if (Thread.currentThread().isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
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
        interruptCountdown = 0;
        checkBounds(addr, size);
        if (size == 0) {
            return;
        }
        markDirty(addr, size);
        Chunks.copyIn(chunks, addr, data, offset, size);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkBounds(addr, len);
        return Chunks.copyOut(chunks, addr, len);
    }

    @Override
    public void zero() {
        fill((byte) 0, 0, (int) Math.min(size(), Integer.MAX_VALUE));
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        interruptCountdown = 0;
        long size = (long) toIndex - fromIndex;
        checkBounds(fromIndex, size);
        if (size == 0) {
            return;
        }
        markDirty(fromIndex, (int) size);
        Chunks.fill(chunks, value, fromIndex, toIndex);
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
        return Chunks.readBytewise(chunks, addr, width);
    }

    private void writeSlow(int addr, long value, int width) {
        checkBounds(addr, width);
        markDirty(addr, width);
        Chunks.writeBytewise(chunks, addr, value, width);
    }

    @Override
    public void writeShort(int addr, short data) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 2) {
            byte[] chunk = writableChunk(addr, 2);
            if (chunk != null) {
                MemoryViews.SHORT.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 2);
    }

    @Override
    public short readShort(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 2) {
            try {
                return (short) MemoryViews.SHORT.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
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
                MemoryViews.INT.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 4);
    }

    @Override
    public int readInt(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 4) {
            try {
                return (int) MemoryViews.INT.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
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
                MemoryViews.LONG.set(chunk, addr & CHUNK_MASK, data);
                return;
            }
        }
        writeSlow(addr, data, 8);
    }

    @Override
    public long readLong(int addr) {
        if ((addr & CHUNK_MASK) <= CHUNK_SIZE - 8) {
            try {
                return (long) MemoryViews.LONG.get(live[addr >>> CHUNK_SHIFT], addr & CHUNK_MASK);
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
