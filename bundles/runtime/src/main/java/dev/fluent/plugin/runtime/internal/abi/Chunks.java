package dev.fluent.plugin.runtime.internal.abi;

import static dev.fluent.plugin.runtime.internal.abi.ChunkedMemory.CHUNK_MASK;
import static dev.fluent.plugin.runtime.internal.abi.ChunkedMemory.CHUNK_SHIFT;
import static dev.fluent.plugin.runtime.internal.abi.ChunkedMemory.CHUNK_SIZE;

import java.util.Arrays;

/** Copies between chunk arrays and flat ones; every range here was bounds-checked by the caller. */
final class Chunks {

    private Chunks() {
    }

    static boolean isZero(byte[] chunk) {
        for (int i = 0; i < CHUNK_SIZE; i += 8) {
            if ((long) MemoryViews.LONG.get(chunk, i) != 0) {
                return false;
            }
        }
        return true;
    }

    static void copyIn(byte[][] chunks, int addr, byte[] data, int offset, int size) {
        int done = 0;
        while (done < size) {
            int at = addr + done;
            int inChunk = at & CHUNK_MASK;
            int n = Math.min(size - done, CHUNK_SIZE - inChunk);
            System.arraycopy(data, offset + done, chunks[at >>> CHUNK_SHIFT], inChunk, n);
            done += n;
        }
    }

    static byte[] copyOut(byte[][] chunks, int addr, int len) {
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

    static void fill(byte[][] chunks, byte value, int from, int to) {
        int at = from;
        while (at < to) {
            int inChunk = at & CHUNK_MASK;
            int n = Math.min(to - at, CHUNK_SIZE - inChunk);
            Arrays.fill(chunks[at >>> CHUNK_SHIFT], inChunk, inChunk + n, value);
            at += n;
        }
    }

    /** Little-endian, byte by byte: an access that straddles two chunks. */
    static long readBytewise(byte[][] chunks, int addr, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            int at = addr + i;
            v = (v << 8) | (chunks[at >>> CHUNK_SHIFT][at & CHUNK_MASK] & 0xFF);
        }
        return v;
    }

    static void writeBytewise(byte[][] chunks, int addr, long value, int width) {
        for (int i = 0; i < width; i++) {
            int at = addr + i;
            chunks[at >>> CHUNK_SHIFT][at & CHUNK_MASK] = (byte) (value >>> (8 * i));
        }
    }
}
