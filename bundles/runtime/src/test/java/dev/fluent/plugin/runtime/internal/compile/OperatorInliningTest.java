package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
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
 * The operators the rewrite computes inline (operators.wat: every comparison, zero test, rotation, extension,
 * conversion and reinterpretation it expands) answer exactly what Chicory's own helpers answer, on the values
 * where their semantics differ from the JVM's: signs, unsigned extremes, NaNs with payloads, signed zeros,
 * infinities, shift counts past the width.
 */
class OperatorInliningTest {

    private static final int[] INTS = {0, 1, -1, 2, 31, 32, 33, 64, -32, Integer.MIN_VALUE, Integer.MAX_VALUE,
        Integer.MIN_VALUE + 1, 0x7FFF_FFFE, 0x8000_0001, 0xFFFF_FFFE, 12_345_678};
    private static final long[] LONGS = {0, 1, -1, 2, 63, 64, 65, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
        0xFFFF_FFFFL, 1L << 32, -(1L << 32), 0x8000_0000L, 123_456_789_012L};
    private static final float[] FLOATS = {0f, -0f, 1.5f, -2f, Float.NaN, Float.intBitsToFloat(0xFFC0_0001),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE};
    private static final double[] DOUBLES = {0d, -0d, 1.5d, -2d, Double.NaN,
        Double.longBitsToDouble(0xFFF8_0000_0000_0001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, Double.MAX_VALUE};

    private static WasmModule module;
    private static GeneratedClasses rewritten;

    @BeforeAll
    static void compile() throws IOException {
        try (InputStream in = OperatorInliningTest.class.getResourceAsStream("operators.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        rewritten = GeneratedClasses.compile(module, new MemoryAccessInliner(false));
    }

    private static Instance instance(Function<Instance, Machine> machine) {
        return Instance.builder(module).withMachineFactory(machine).build();
    }

    @Test
    void leavesNoOperatorHelperCalled() {
        List<String> remaining = new ArrayList<>();
        for (MethodNode m : GeneratedMethods.of(rewritten.classes())) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.equals("com/dylibso/chicory/runtime/OpcodeImpl")) {
                    remaining.add(call.name);
                }
            }
        }
        assertTrue(remaining.isEmpty(), "helpers still called: " + remaining);
    }

    @Test
    void everyOperatorAnswersAsChicorysHelperDoes() {
        Instance expected = instance(MachineFactoryCompiler.compile(module));
        Instance actual = instance(rewritten.load());
        int checked = 0;
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export export = exports.getExport(i);
            if (export.exportType() != ExternalType.FUNCTION || export.name().equals("count_below")) {
                continue;
            }
            FunctionType type = module.typeSection().getType(module.functionSection().getFunctionType(export.index()));
            for (long[] args : arguments(type.params())) {
                long[] want = expected.export(export.name()).apply(args);
                long[] got = actual.export(export.name()).apply(args);
                assertEquals(want[0], got[0], export.name() + java.util.Arrays.toString(args));
                checked++;
            }
        }
        assertTrue(checked > 2_000, "only " + checked + " cases");
    }

    @Test
    void aLoopOnAnUnsignedComparisonRunsAsChicorysDoes() {
        Instance actual = instance(rewritten.load());
        assertEquals(1000L, actual.export("count_below").apply(1000)[0]);
        assertEquals(0L, actual.export("count_below").apply(0)[0]);
    }

    /** Every combination of the edge values of the parameters' types, as Chicory's raw arguments. */
    private static List<long[]> arguments(List<ValType> params) {
        List<long[]> all = new ArrayList<>();
        all.add(new long[0]);
        for (ValType param : params) {
            List<long[]> next = new ArrayList<>();
            for (long[] prefix : all) {
                for (long value : values(param)) {
                    long[] args = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                    args[prefix.length] = value;
                    next.add(args);
                }
            }
            all = next;
        }
        return all;
    }

    private static long[] values(ValType type) {
        if (type.equals(ValType.I32)) {
            return java.util.Arrays.stream(INTS).mapToLong(v -> v).toArray();
        }
        if (type.equals(ValType.I64)) {
            return LONGS;
        }
        if (type.equals(ValType.F32)) {
            long[] out = new long[FLOATS.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.floatToRawIntBits(FLOATS[i]);
            }
            return out;
        }
        long[] out = new long[DOUBLES.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.doubleToRawLongBits(DOUBLES[i]);
        }
        return out;
    }
}
