package dev.fluent.plugin.runtime.internal.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

class PluginMemoryTest {

    private static PluginMemory memory(int initial, int declaredMax, int cap) {
        return new PluginMemory(new MemoryLimits(initial, declaredMax), cap);
    }

    @Test
    void capsGrowthAtThePluginLimitWhateverTheModuleDeclares() {
        PluginMemory m = memory(1, MemoryLimits.MAX_PAGES, 4);
        assertEquals(4, m.maximumPages());
        assertEquals(1, m.grow(3));
        assertFalse(m.growRefused());
        assertEquals(-1, m.grow(1));
        assertTrue(m.growRefused());
        assertEquals(4, m.pages());
    }

    @Test
    void resetRestoresWrittenBytesAndZeroesNewOnes() {
        PluginMemory m = memory(2, 10, 10);
        m.writeI32(100, 0x11223344);
        m.snapshot();
        m.writeI32(100, 7);
        m.writeLong(70_000, -1L);
        m.writeByte(5, (byte) 9);
        m.reset();
        assertEquals(0x11223344, m.readInt(100));
        assertEquals(0L, m.readLong(70_000));
        assertEquals(0, m.read(5));
    }

    @Test
    void resetUndoesGrowthAndLeavesGrownPagesZeroForTheNextGrow() {
        PluginMemory m = memory(1, 10, 10);
        m.snapshot();
        assertEquals(1, m.grow(2));
        m.writeI32(Memory.PAGE_SIZE * 2 + 8, 42);
        m.reset();
        assertEquals(1, m.pages());
        assertThrows(WasmRuntimeException.class, () -> m.readInt(Memory.PAGE_SIZE * 2 + 8));
        assertEquals(1, m.grow(2));
        assertEquals(0, m.readInt(Memory.PAGE_SIZE * 2 + 8));
    }

    @Test
    void readsAndWritesValuesThatStraddleTwoPages() {
        PluginMemory m = memory(2, 2, 2);
        m.snapshot();
        int addr = Memory.PAGE_SIZE - 3;
        m.writeLong(addr, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, m.readLong(addr));
        m.reset();
        assertEquals(0L, m.readLong(addr));
    }

    @Test
    void bulkOperationsAcrossPagesAreUndoneToo() {
        PluginMemory m = memory(3, 3, 3);
        byte[] data = new byte[Memory.PAGE_SIZE + 100];
        java.util.Arrays.fill(data, (byte) 7);
        m.write(Memory.PAGE_SIZE - 50, data, 0, data.length);
        m.snapshot();
        m.fill((byte) 1, 10, Memory.PAGE_SIZE * 2 + 10);
        m.copy(0, Memory.PAGE_SIZE * 2, 300);
        m.reset();
        assertArrayEquals(data, m.readBytes(Memory.PAGE_SIZE - 50, data.length));
        assertEquals(0, m.read(0));
    }

    @Test
    void refusesAccessOutsideMemory() {
        PluginMemory m = memory(1, 1, 1);
        assertThrows(WasmRuntimeException.class, () -> m.readInt(Memory.PAGE_SIZE - 2));
        assertThrows(WasmRuntimeException.class, () -> m.writeI32(-4, 1));
        assertThrows(WasmRuntimeException.class, () -> m.readBytes(10, Integer.MAX_VALUE));
        assertThrows(WasmRuntimeException.class, () -> m.write(Memory.PAGE_SIZE, new byte[1], 0, 1));
    }

    @Test
    void resetRestoresValuesThatStraddleTwoChunksOfAPage() {
        PluginMemory m = memory(1, 1, 1);
        m.writeLong(4096 - 8, 0x1111111111111111L);
        m.snapshot();
        m.writeLong(4096 - 3, 0x0102030405060708L);
        m.writeI32(8192 - 2, 0x0A0B0C0D);
        m.writeShort(3 * 4096 - 1, (short) 0x7F7F);
        assertEquals(0x0102030405060708L, m.readLong(4096 - 3));
        assertEquals(0x0A0B0C0D, m.readInt(8192 - 2));
        assertEquals((short) 0x7F7F, m.readShort(3 * 4096 - 1));
        m.reset();
        assertEquals(0x1111111111111111L, m.readLong(4096 - 8));
        assertEquals(0L, m.readLong(4096));
        assertEquals(0, m.readInt(8192 - 2));
        assertEquals(0, m.readShort(3 * 4096 - 1));
    }

    @Test
    void writesAfterAResetAreTrackedAgain() {
        PluginMemory m = memory(1, 1, 1);
        m.writeI32(40, 5);
        m.snapshot();
        for (int round = 0; round < 3; round++) {
            m.writeI32(40, 6 + round);
            m.writeByte(10_000, (byte) 1);
            m.writeLong(60_000, -1L);
            assertEquals(6 + round, m.readInt(40));
            m.reset();
            assertEquals(5, m.readInt(40));
            assertEquals(0, m.read(10_000));
            assertEquals(0L, m.readLong(60_000));
        }
    }

    @Test
    void everyScalarAccessOutsideMemoryTraps() {
        PluginMemory m = memory(1, 4, 4);
        m.snapshot();
        int size = Memory.PAGE_SIZE;
        for (int addr : new int[] {size, size + 4096, size - 1, size - 3, size - 7, -1, -8, Integer.MIN_VALUE,
                Integer.MAX_VALUE - 2}) {
            if (addr >= size || addr < 0) {
                assertThrows(WasmRuntimeException.class, () -> m.read(addr));
                assertThrows(WasmRuntimeException.class, () -> m.writeByte(addr, (byte) 1));
            }
            if (addr > size - 2 || addr < 0) {
                assertThrows(WasmRuntimeException.class, () -> m.readShort(addr));
                assertThrows(WasmRuntimeException.class, () -> m.writeShort(addr, (short) 1));
            }
            if (addr > size - 4 || addr < 0) {
                assertThrows(WasmRuntimeException.class, () -> m.readInt(addr));
                assertThrows(WasmRuntimeException.class, () -> m.writeI32(addr, 1));
            }
            assertThrows(WasmRuntimeException.class, () -> m.readLong(addr));
            assertThrows(WasmRuntimeException.class, () -> m.writeLong(addr, 1L));
        }
        // Memory grown and then taken back by a reset is outside again, for reads and writes alike.
        assertEquals(1, m.grow(1));
        m.writeI32(size + 100, 3);
        assertEquals(3, m.readInt(size + 100));
        m.reset();
        assertThrows(WasmRuntimeException.class, () -> m.readInt(size + 100));
        assertThrows(WasmRuntimeException.class, () -> m.writeI32(size + 100, 3));
        assertThrows(WasmRuntimeException.class, () -> m.writeByte(size + 200, (byte) 3));
        assertEquals(0, m.readInt(size - 4));
    }

    @Test
    void resetShrinksTheMemoryButKeepsTheArrayForTheNextGrow() {
        PluginMemory m = memory(2, 100, 100);
        m.snapshot();
        long initial = m.retainedBytes();
        assertEquals(2 * 65536, initial);
        assertEquals(2, m.grow(40));
        m.writeLong(30 * 65536, -1L);
        m.write(41 * 65536 + 100, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(42 * 65536, m.retainedBytes());
        m.reset();
        assertEquals(2, m.pages());
        assertThrows(WasmRuntimeException.class, () -> m.readLong(30 * 65536), "the grown pages are gone");
        assertEquals(42 * 65536, m.retainedBytes(), "the capacity stays, within the cap the budget reserves");
        assertEquals(2, m.grow(40), "and it grows again from its initial size, without a copy");
        assertEquals(42 * 65536, m.retainedBytes());
        assertEquals(0L, m.readLong(30 * 65536), "a page grown again is zero");
        assertEquals(0, m.read(41 * 65536 + 101));
    }

    @Test
    void resetRestoresARegionRewrittenWholeOverDataAndZeroCards() {
        PluginMemory m = memory(4, 4, 4);
        byte[] data = new byte[3 * 4096 + 5];
        java.util.Arrays.fill(data, (byte) 5);
        // Cards 10 to 13 hold data, 14 to 39 are zero, card 40 holds data again.
        m.write(10 * 4096, data, 0, data.length);
        m.writeByte(40 * 4096 + 17, (byte) 9);
        m.snapshot();
        byte[] noise = new byte[40 * 4096];
        java.util.Arrays.fill(noise, (byte) -1);
        m.write(7 * 4096 + 100, noise, 0, noise.length);
        m.writeLong(60 * 4096 - 3, -1L);
        m.writeI32(62 * 4096, 3);
        m.reset();
        assertArrayEquals(data, m.readBytes(10 * 4096, data.length));
        assertArrayEquals(new byte[3 * 4096 - 100], m.readBytes(7 * 4096 + 100, 3 * 4096 - 100));
        assertArrayEquals(new byte[27 * 4096 - 5], m.readBytes(13 * 4096 + 5, 27 * 4096 - 5));
        assertEquals(9, m.read(40 * 4096 + 17));
        assertArrayEquals(new byte[4096 * 7], m.readBytes(41 * 4096, 4096 * 7));
        assertEquals(0L, m.readLong(60 * 4096 - 3));
        assertEquals(0, m.readInt(62 * 4096));
        for (int c = 0; c < 64; c++) {
            assertEquals(0, m.cards[c], "card " + c + " is clean again");
        }
    }

    @Test
    void growsByDoublingWithinTheCap() {
        PluginMemory m = memory(1, 10, 10);
        for (int pages = 2; pages <= 10; pages++) {
            assertEquals(pages - 1, m.grow(1));
        }
        // 1 → 2 → 4 → 8 → 10 pages: the cap bounds the last doubling.
        assertEquals(10 * 65536, m.retainedBytes());
        assertEquals(-1, m.grow(1));
    }

    @Test
    void aWriteSpillingIntoTheNextCardIsUndoneAsAWhole() {
        PluginMemory m = memory(1, 1, 1);
        m.writeLong(8192 - 8, 0x2222222222222222L);
        m.writeLong(8192, 0x3333333333333333L);
        m.snapshot();
        // Starts in card 1 and ends in card 2, which nothing else writes.
        m.writeLong(8192 - 1, -1L);
        m.reset();
        assertEquals(0x2222222222222222L, m.readLong(8192 - 8));
        assertEquals(0x3333333333333333L, m.readLong(8192));
    }

    @Test
    void aMemoryGrownBeforeItsSnapshotKeepsExactlyThatSize() {
        PluginMemory m = memory(1, 100, 100);
        m.grow(1); // as a guest's _initialize may: the table doubled past the memory
        m.writeByte(65536 + 3, (byte) 7);
        m.snapshot();
        m.writeByte(65536 + 3, (byte) 9);
        m.reset();
        assertEquals(2 * 65536, m.retainedBytes());
        assertEquals(7, m.read(65536 + 3));
    }
}
