package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The rewritten classes against Chicory's own on the same module and the same memory class: every load and
 * store width, sign extension, accesses across chunks, traps, dirty tracking, grow, fill and copy.
 */
class MemoryAccessInlinerTest {

    private static final int PAGE = 65_536;
    private static WasmModule module;
    private static GeneratedClasses rewritten;
    private static Function<Instance, Machine> inlined;
    private static Function<Instance, Machine> original;

    @BeforeAll
    static void compile() throws IOException {
        try (InputStream in = MemoryAccessInlinerTest.class.getResourceAsStream("memory-ops.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        rewritten = GeneratedClasses.compile(module, new MemoryAccessInliner(false));
        inlined = rewritten.load();
        original = MachineFactoryCompiler.compile(module);
    }

    private static Instance instance(Function<Instance, Machine> machine) {
        return Instance.builder(module)
                .withMachineFactory(machine)
                .withMemoryFactory(limits -> new PluginMemory(limits, 4))
                .build();
    }

    private static long call(Instance instance, String export, long... args) {
        long[] result = instance.export(export).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    /** What a call answers, or the class and message of what it threw. */
    private static String outcome(Instance instance, String export, long... args) {
        try {
            return "= " + call(instance, export, args);
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void leavesNoShadedMemoryCallInTheFunctions() {
        int remaining = 0;
        int accesses = 0;
        for (MethodNode m : GeneratedMethods.of(rewritten.classes())) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode call) {
                    remaining += AccessSite.Kind.of(call) != null ? 1 : 0;
                    // The memory's methods but the loop's interruption check (LoopCountdownTest's subject).
                    accesses += call.owner.equals(MemoryAccessInliner.MEMORY)
                            && !call.name.equals("checkInterruption") ? 1 : 0;
                }
            }
        }
        assertEquals(0, remaining);
        // One checked path per access of the module: 16 loads, 10 stores, 4 in sum_and_store, 1 in sum_words,
        // 2 in grow_and_use.
        assertEquals(33, accesses);
    }

    @Test
    void loadsEveryWidthWithItsSignExtension() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        m.write(100, new byte[] {(byte) 0x81, (byte) 0x92, (byte) 0xA3, (byte) 0xB4, (byte) 0xC5, (byte) 0xD6,
                (byte) 0xE7, (byte) 0xF8});
        assertEquals((byte) 0x81, (int) call(in, "i32_load8_s", 100));
        assertEquals(0x81, call(in, "i32_load8_u", 100));
        assertEquals((short) 0x9281, (int) call(in, "i32_load16_s", 100));
        assertEquals(0x9281, call(in, "i32_load16_u", 100));
        assertEquals(0xB4A39281, (int) call(in, "i32_load", 100));
        assertEquals((byte) 0x81, call(in, "i64_load8_s", 100));
        assertEquals(0x81L, call(in, "i64_load8_u", 100));
        assertEquals((short) 0x9281, call(in, "i64_load16_s", 100));
        assertEquals(0x9281L, call(in, "i64_load16_u", 100));
        assertEquals(0xB4A39281L | 0xFFFF_FFFF_0000_0000L, call(in, "i64_load32_s", 100));
        assertEquals(0xB4A39281L, call(in, "i64_load32_u", 100));
        assertEquals(0xF8E7D6C5B4A39281L, call(in, "i64_load", 100));
        assertEquals(0xB4A39281L, call(in, "f32_load", 100) & 0xFFFF_FFFFL);
        assertEquals(0xF8E7D6C5B4A39281L, call(in, "f64_load", 100));
    }

    @Test
    void storesEveryWidth() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        call(in, "i32_store8", 0, 0x1FF);
        call(in, "i32_store16", 8, 0x1FFFF);
        call(in, "i32_store", 16, 0x12345678);
        call(in, "i64_store8", 24, 0x1FFL);
        call(in, "i64_store16", 32, 0x1_2345L);
        call(in, "i64_store32", 40, 0x1_2345_6789L);
        call(in, "i64_store", 48, 0x0102030405060708L);
        call(in, "f32_store", 56, Float.floatToRawIntBits(1.5f));
        call(in, "f64_store", 64, Double.doubleToRawLongBits(-2.25));
        assertEquals((byte) 0xFF, m.read(0));
        assertEquals(0, m.read(1));
        assertEquals((short) 0xFFFF, m.readShort(8));
        assertEquals(0, m.read(10));
        assertEquals(0x12345678, m.readInt(16));
        assertEquals((byte) 0xFF, m.read(24));
        assertEquals(0x2345, m.readShort(32));
        assertEquals(0x23456789, m.readInt(40));
        assertEquals(0, m.readInt(44));
        assertEquals(0x0102030405060708L, m.readLong(48));
        assertEquals(1.5f, m.readFloat(56));
        assertEquals(-2.25, m.readDouble(64));
    }

    @Test
    void readsAndWritesAcrossChunksAndPagesAndWithOffsets() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        for (int at : new int[] {4093, 4094, 4095, PAGE - 3, PAGE - 1 - 4, 3 * 4096 + 4090}) {
            call(in, "i64_store", at, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.readLong(at), "at " + at);
            assertEquals(0x1122334455667788L, call(in, "i64_load", at), "at " + at);
            call(in, "i32_store", at, 0xCAFEBABE);
            assertEquals(0xCAFEBABE, (int) call(in, "i32_load", at), "at " + at);
        }
        call(in, "i32_store_offset", 0, 0x0A0B0C0D);
        assertEquals(0x0A0B0C0D, m.readInt(4094));
        assertEquals(0x0A0B0C0D, (int) call(in, "i32_load_offset", 0));
        m.writeLong(70_008, 99L);
        assertEquals(99L, call(in, "i64_load_offset", 8));
    }

    @Test
    void keepsOperandsBeneathAnAccessAndLoopsOverMemory() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        m.writeI32(4092, 40);
        m.writeI32(4096, 2);
        assertEquals(43, call(in, "sum_and_store", 4092, 9000));
        assertEquals(42, m.readInt(9000));
        for (int i = 0; i < 1000; i++) {
            m.writeLong(8 * i, i);
        }
        assertEquals(999L * 1000 / 2, call(in, "sum_words", 0, 1000));
    }

    @Test
    void trapsOutsideMemoryExactlyAsTheUnrewrittenCodeDoes() {
        Instance fast = instance(inlined);
        Instance reference = instance(original);
        List<String> checked = new ArrayList<>();
        long[] addresses = {2 * PAGE - 1, 2 * PAGE - 2, 2 * PAGE - 4, 2 * PAGE - 7, 2 * PAGE - 8, 2 * PAGE,
                0x7FFF_FFFFL, 0xFFFF_FFFFL, 0x8000_0000L, 0xFFFF_FFF0L, -1};
        String[] loads = {"i32_load8_u", "i32_load16_s", "i32_load", "i64_load", "f32_load", "f64_load",
                "i32_load_offset", "i64_load_offset"};
        String[] stores = {"i32_store8", "i32_store16", "i32_store", "i64_store", "i64_store32", "f64_store",
                "i32_store_offset"};
        for (long at : addresses) {
            for (String load : loads) {
                String expected = outcome(reference, load, at);
                assertEquals(expected, outcome(fast, load, at), load + " at " + at);
                checked.add(expected);
            }
            for (String store : stores) {
                String expected = outcome(reference, store, at, 7);
                assertEquals(expected, outcome(fast, store, at, 7), store + " at " + at);
                checked.add(expected);
            }
        }
        assertTrue(checked.stream().anyMatch(s -> s.startsWith(WasmRuntimeException.class.getName()
                + ": out of bounds memory access: attempted to access address: ")), checked.toString());
        assertTrue(checked.stream().noneMatch(s -> s.contains("IndexOutOfBounds") || s.contains("NullPointer")),
                checked.toString());
    }

    /**
     * The unchecked accesses are safe only while the bound stays below the array's end: every address within 16
     * bytes of every edge (0, the memory's end, the array's end after a reset kept it, 2 GiB, 4 GiB), at every
     * width, with and without offsets, must answer or trap exactly as the unrewritten code does, on the memory
     * as instantiated, grown to its maximum, and shrunk again by a reset that keeps the grown array.
     */
    @Test
    void everyAccessNearAnEdgeAnswersOrTrapsAsTheUnrewrittenCodeDoesAcrossGrowAndReset() {
        Instance fast = instance(inlined);
        Instance reference = instance(original);
        PluginMemory fastMemory = (PluginMemory) fast.memory();
        PluginMemory referenceMemory = (PluginMemory) reference.memory();
        fastMemory.snapshot();
        referenceMemory.snapshot();
        String[] loads = {"i32_load8_s", "i32_load16_u", "i32_load", "i64_load32_s", "i64_load", "f32_load",
            "f64_load", "i32_load_offset", "i64_load_offset"};
        String[] stores = {"i32_store8", "i32_store16", "i32_store", "i64_store32", "i64_store", "f32_store",
            "f64_store", "i32_store_offset"};
        int traps = 0;
        for (String phase : new String[] {"as instantiated", "grown", "reset"}) {
            if (phase.equals("grown")) {
                assertEquals(2L, call(fast, "grow", 2));
                assertEquals(2L, call(reference, "grow", 2));
            } else if (phase.equals("reset")) {
                fastMemory.reset();
                referenceMemory.reset();
            }
            long size = (long) fastMemory.pages() * PAGE;
            for (long edge : new long[] {0, size, 4L * PAGE, 0x8000_0000L, 0x1_0000_0000L}) {
                for (long at = edge - 16; at <= edge + 16; at++) {
                    for (String load : loads) {
                        String expected = outcome(reference, load, at);
                        assertEquals(expected, outcome(fast, load, at), phase + ": " + load + " at " + at);
                        traps += expected.startsWith("=") ? 0 : 1;
                    }
                    for (String store : stores) {
                        String expected = outcome(reference, store, at, 0x1122_3344_5566_7788L);
                        assertEquals(expected, outcome(fast, store, at, 0x1122_3344_5566_7788L),
                                phase + ": " + store + " at " + at);
                    }
                }
            }
            assertArrayEquals(referenceMemory.readBytes(0, (int) size), fastMemory.readBytes(0, (int) size), phase);
        }
        assertTrue(traps > 1000, "only " + traps + " traps");
    }

    @Test
    void marksEveryChunkAStoreTouchesForTheReset() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        m.snapshot();
        call(in, "i64_store", 4092, -1L);       // across chunks 0 and 1
        call(in, "i32_store8", 5 * 4096, 1);     // chunk 5
        call(in, "f64_store", PAGE + 8, Double.doubleToRawLongBits(3.0));
        call(in, "i32_store16", 4095, 0xFFFF);  // across 0 and 1 again, both already dirty
        m.reset();
        assertEquals(0L, m.readLong(4088));
        assertEquals(0L, m.readLong(4096));
        assertEquals(0, m.read(5 * 4096));
        assertEquals(0L, m.readLong(PAGE + 8));
        // And again after the reset: the chunks must be recorded anew.
        call(in, "i32_store", 4094, -1);
        m.reset();
        assertEquals(0, m.readInt(4092));
        assertEquals(0, m.readInt(4096));
    }

    @Test
    void growsFillsAndCopiesThroughTheRewrittenCode() {
        Instance in = instance(inlined);
        PluginMemory m = (PluginMemory) in.memory();
        m.snapshot();
        assertThrows(WasmRuntimeException.class, () -> call(in, "i32_store", 2 * PAGE + 16, 5));
        assertEquals(2, call(in, "grow", 1));
        assertEquals(3, call(in, "size"));
        call(in, "i32_store", 2 * PAGE + 16, 5);
        assertEquals(5, call(in, "i32_load", 2 * PAGE + 16));
        assertEquals(-1, (int) call(in, "grow", 2)); // past the declared maximum of 4 pages
        call(in, "fill", 4000, 0xAB, 200);
        assertEquals((byte) 0xAB, (byte) call(in, "i32_load8_s", 4199));
        assertEquals(0, call(in, "i32_load8_s", 4200));
        call(in, "copy", 2 * PAGE, 4000, 200);
        assertArrayEquals(m.readBytes(4000, 200), m.readBytes(2 * PAGE, 200));
        assertEquals(0xABABABAB, (int) call(in, "i32_load", 2 * PAGE + 196));
        m.reset();
        assertEquals(2, call(in, "size"));
        assertEquals(0, call(in, "i32_load", 4100));
        assertThrows(WasmRuntimeException.class, () -> call(in, "i32_load", 2 * PAGE + 16));
    }

    @Test
    void usesMemoryGrownInTheSameFunctionAndTrapsPastTheMaximumAsTheUnrewrittenCodeDoes() {
        Instance rewrittenIn = instance(inlined);
        Instance originalIn = instance(original);
        for (int i = 0; i < 3; i++) {
            // Grows to 3 pages, then 4 (the maximum); the third grow answers -1 and its store traps.
            assertEquals(outcome(originalIn, "grow_and_use", 40 + i), outcome(rewrittenIn, "grow_and_use", 40 + i));
        }
        assertEquals("= 41", outcome(rewrittenIn, "i32_load", 3 * PAGE + 8));
        // The grown page's write was recorded for the reset like any other.
        PluginMemory m = (PluginMemory) rewrittenIn.memory();
        assertEquals(4, m.pages());
    }

    @Test
    void readsTheArrayAgainAfterEveryCallThatMayGrowTheMemory() {
        int growCalls = 0;
        int refreshedAfter = 0;
        for (MethodNode m : GeneratedMethods.of(rewritten.classes())) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && call.name.equals("memoryGrow")) {
                    growCalls++;
                    AbstractInsnNode next = call.getNext().getNext();
                    if (next instanceof org.objectweb.asm.tree.FieldInsnNode field && field.name.equals("flat")) {
                        refreshedAfter++;
                    }
                }
            }
        }
        // grow_and_use's grow is followed by a new read of the array, which the grow replaced; the plain "grow" export has no access to
        // rewrite and is left as Chicory made it.
        assertEquals(2, growCalls);
        assertEquals(1, refreshedAfter);
    }

    @Test
    void survivesTheCompileCacheEncoding() throws IOException {
        GeneratedClasses decoded = GeneratedClasses.decode(rewritten.encode());
        assertEquals(rewritten.mainClass(), decoded.mainClass());
        assertEquals(rewritten.classes().keySet().stream().toList(), decoded.classes().keySet().stream().toList());
        Instance in = Instance.builder(module)
                .withMachineFactory(decoded.load())
                .withMemoryFactory(limits -> new PluginMemory(limits, 4))
                .build();
        call(in, "i64_store", 4093, 77L);
        assertEquals(77L, call(in, "i64_load", 4093));
        byte[] truncated = java.util.Arrays.copyOf(rewritten.encode(), 100);
        assertThrows(IOException.class, () -> GeneratedClasses.decode(truncated));
    }
}
