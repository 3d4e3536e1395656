package dev.fluent.plugin.runtime.internal.compile;

import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * One call of a small Chicory helper that computes a WebAssembly operator (a comparison, a zero test, an unsigned
 * extension, a rotation, a conversion) and the bytecode {@link MemoryAccessInliner} puts in its place.
 *
 * <p>Why: the JIT inlines nothing into a method once its inlining budget (8,000 bytes of bytecode, counting the
 * method's own) is spent, except what the JDK marks force-inline; compilers turn hot loops into methods that
 * large, and there every {@code i32.lt_u} or {@code i32.eqz} stayed a real call. The replacement computes the
 * same value with the JVM's own instructions (or a JIT intrinsic), with WebAssembly's semantics: unsigned
 * comparisons compare sign-flipped operands, float comparisons are false on NaN (and {@code ne} true), rotations
 * take their count modulo the width as Java's shifts do.
 */
final class OperatorSite implements RewriteSite {

    private static final String OPCODES = "com/dylibso/chicory/runtime/OpcodeImpl";
    private static final String VALUE = "com/dylibso/chicory/wasm/types/Value";

    /** How an operator is computed inline. */
    private enum Shape { INT_COMPARE, INT_ZERO, LONG_COMPARE, LONG_ZERO, FLOAT_COMPARE, DOUBLE_COMPARE, PLAIN, ROTATE }

    /**
     * An operator: its shape, the opcodes that compute it (for a comparison: the flips of unsigned operands, then
     * the comparison, then the jump taken when the result is 0), and the helper's descriptor.
     */
    private record Operator(Shape shape, String desc, boolean unsigned, int[] opcodes) {
    }

    private static final Map<String, Operator> OPERATORS = Map.ofEntries(
            Map.entry("I32_EQZ", new Operator(Shape.INT_ZERO, "(I)I", false, new int[] {Opcodes.IFNE})),
            Map.entry("I32_EQ", intCompare(false, Opcodes.IF_ICMPNE)),
            Map.entry("I32_NE", intCompare(false, Opcodes.IF_ICMPEQ)),
            Map.entry("I32_LT_S", intCompare(false, Opcodes.IF_ICMPGE)),
            Map.entry("I32_LT_U", intCompare(true, Opcodes.IF_ICMPGE)),
            Map.entry("I32_GT_S", intCompare(false, Opcodes.IF_ICMPLE)),
            Map.entry("I32_GT_U", intCompare(true, Opcodes.IF_ICMPLE)),
            Map.entry("I32_LE_S", intCompare(false, Opcodes.IF_ICMPGT)),
            Map.entry("I32_LE_U", intCompare(true, Opcodes.IF_ICMPGT)),
            Map.entry("I32_GE_S", intCompare(false, Opcodes.IF_ICMPLT)),
            Map.entry("I32_GE_U", intCompare(true, Opcodes.IF_ICMPLT)),
            Map.entry("I64_EQZ", new Operator(Shape.LONG_ZERO, "(J)I", false, new int[] {Opcodes.IFNE})),
            Map.entry("I64_EQ", longCompare(false, Opcodes.IFNE)),
            Map.entry("I64_NE", longCompare(false, Opcodes.IFEQ)),
            Map.entry("I64_LT_S", longCompare(false, Opcodes.IFGE)),
            Map.entry("I64_LT_U", longCompare(true, Opcodes.IFGE)),
            Map.entry("I64_GT_S", longCompare(false, Opcodes.IFLE)),
            Map.entry("I64_GT_U", longCompare(true, Opcodes.IFLE)),
            Map.entry("I64_LE_S", longCompare(false, Opcodes.IFGT)),
            Map.entry("I64_LE_U", longCompare(true, Opcodes.IFGT)),
            Map.entry("I64_GE_S", longCompare(false, Opcodes.IFLT)),
            Map.entry("I64_GE_U", longCompare(true, Opcodes.IFLT)),
            // NaN: fcmpl/dcmpl give -1 and fcmpg/dcmpg 1, each chosen so that the jump to 0 is taken.
            Map.entry("F32_EQ", floatCompare("(FF)I", Opcodes.FCMPL, Opcodes.IFNE)),
            Map.entry("F32_NE", floatCompare("(FF)I", Opcodes.FCMPL, Opcodes.IFEQ)),
            Map.entry("F32_LT", floatCompare("(FF)I", Opcodes.FCMPG, Opcodes.IFGE)),
            Map.entry("F32_GT", floatCompare("(FF)I", Opcodes.FCMPL, Opcodes.IFLE)),
            Map.entry("F32_LE", floatCompare("(FF)I", Opcodes.FCMPG, Opcodes.IFGT)),
            Map.entry("F32_GE", floatCompare("(FF)I", Opcodes.FCMPL, Opcodes.IFLT)),
            Map.entry("F64_EQ", floatCompare("(DD)I", Opcodes.DCMPL, Opcodes.IFNE)),
            Map.entry("F64_NE", floatCompare("(DD)I", Opcodes.DCMPL, Opcodes.IFEQ)),
            Map.entry("F64_LT", floatCompare("(DD)I", Opcodes.DCMPG, Opcodes.IFGE)),
            Map.entry("F64_GT", floatCompare("(DD)I", Opcodes.DCMPL, Opcodes.IFLE)),
            Map.entry("F64_LE", floatCompare("(DD)I", Opcodes.DCMPG, Opcodes.IFGT)),
            Map.entry("F64_GE", floatCompare("(DD)I", Opcodes.DCMPL, Opcodes.IFLT)),
            Map.entry("I64_EXTEND_I32_U", new Operator(Shape.PLAIN, "(I)J", true, new int[] {Opcodes.I2L})),
            Map.entry("F64_CONVERT_I32_S", new Operator(Shape.PLAIN, "(I)D", false, new int[] {Opcodes.I2D})),
            Map.entry("F64_CONVERT_I32_U", new Operator(Shape.PLAIN, "(I)D", true, new int[] {Opcodes.I2L, Opcodes.L2D})),
            Map.entry("F32_CONVERT_I32_S", new Operator(Shape.PLAIN, "(I)F", false, new int[] {Opcodes.I2F})),
            Map.entry("F64_CONVERT_I64_S", new Operator(Shape.PLAIN, "(J)D", false, new int[] {Opcodes.L2D})),
            Map.entry("I32_ROTL", new Operator(Shape.ROTATE, "(II)I", false, new int[] {Opcodes.ISHL, Opcodes.IUSHR})),
            Map.entry("I32_ROTR", new Operator(Shape.ROTATE, "(II)I", false, new int[] {Opcodes.IUSHR, Opcodes.ISHL})));

    /** Helpers that are a JIT intrinsic under another name: the call is redirected, not expanded. */
    private static final Map<String, String[]> INTRINSICS = Map.of(
            VALUE + ".longToDouble(J)D", new String[] {"java/lang/Double", "longBitsToDouble"},
            VALUE + ".doubleToLong(D)J", new String[] {"java/lang/Double", "doubleToRawLongBits"},
            OPCODES + ".F64_REINTERPRET_I64(J)D", new String[] {"java/lang/Double", "longBitsToDouble"},
            OPCODES + ".I64_REINTERPRET_F64(D)J", new String[] {"java/lang/Double", "doubleToRawLongBits"},
            OPCODES + ".F32_REINTERPRET_I32(I)F", new String[] {"java/lang/Float", "intBitsToFloat"},
            OPCODES + ".I32_REINTERPRET_F32(F)I", new String[] {"java/lang/Float", "floatToRawIntBits"});

    private static Operator intCompare(boolean unsigned, int jumpToZero) {
        return new Operator(Shape.INT_COMPARE, "(II)I", unsigned, new int[] {jumpToZero});
    }

    private static Operator longCompare(boolean unsigned, int jumpToZero) {
        return new Operator(Shape.LONG_COMPARE, "(JJ)I", unsigned, new int[] {Opcodes.LCMP, jumpToZero});
    }

    private static Operator floatCompare(String desc, int compare, int jumpToZero) {
        return new Operator(desc.startsWith("(F") ? Shape.FLOAT_COMPARE : Shape.DOUBLE_COMPARE, desc, false,
                new int[] {compare, jumpToZero});
    }

    private final MethodInsnNode call;
    private final Operator operator;
    private final String[] intrinsic;

    private OperatorSite(MethodInsnNode call, Operator operator, String[] intrinsic) {
        this.call = call;
        this.operator = operator;
        this.intrinsic = intrinsic;
    }

    /**
     * The site of a helper call: Chicory's {@code OpcodeImpl} methods, and the copies of some of them a module's
     * Shaded class carries (named in lower case there); null for any other instruction.
     */
    static OperatorSite match(AbstractInsnNode insn) {
        if (!(insn instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKESTATIC) {
            return null;
        }
        String[] intrinsic = INTRINSICS.get(call.owner + "." + call.name + call.desc);
        if (intrinsic != null) {
            return new OperatorSite(call, null, intrinsic);
        }
        if (!call.owner.equals(OPCODES) && !call.owner.endsWith("Shaded")) {
            return null;
        }
        Operator operator = OPERATORS.get(call.owner.equals(OPCODES) ? call.name : call.name.toUpperCase());
        return operator != null && operator.desc().equals(call.desc) ? new OperatorSite(call, operator, null) : null;
    }

    /** The bytes the call takes: {@code invokestatic} and its index. */
    @Override
    public int originalSize() {
        return 3;
    }

    @Override
    public void replace(InsnList instructions, InsnList replacement) {
        instructions.insert(call, replacement);
        instructions.remove(call);
    }

    /** The inline code: it takes the helper's arguments from the stack and leaves its result. */
    @Override
    public InsnList emit(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        if (intrinsic != null) {
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, intrinsic[0], intrinsic[1], call.desc, false));
            return code;
        }
        int[] ops = operator.opcodes();
        switch (operator.shape()) {
            case INT_ZERO -> zeroOrOne(code, ops[0]);
            case LONG_ZERO -> {
                code.add(new InsnNode(Opcodes.LCONST_0));
                code.add(new InsnNode(Opcodes.LCMP));
                zeroOrOne(code, ops[0]);
            }
            case INT_COMPARE -> {
                if (operator.unsigned()) {
                    flipTwoInts(code);
                }
                zeroOrOne(code, ops[0]);
            }
            case LONG_COMPARE -> {
                if (operator.unsigned()) {
                    flipTwoLongs(code);
                }
                code.add(new InsnNode(ops[0]));
                zeroOrOne(code, ops[1]);
            }
            case FLOAT_COMPARE, DOUBLE_COMPARE -> {
                code.add(new InsnNode(ops[0]));
                zeroOrOne(code, ops[1]);
            }
            case PLAIN -> {
                code.add(new InsnNode(ops[0]));
                if (operator.unsigned()) {
                    code.add(new LdcInsnNode(0xFFFF_FFFFL));
                    code.add(new InsnNode(Opcodes.LAND));
                }
                for (int i = 1; i < ops.length; i++) {
                    code.add(new InsnNode(ops[i]));
                }
            }
            case ROTATE -> rotate(code, locals, ops[0], ops[1]);
            default -> throw new IllegalStateException("no inline form for " + operator.shape());
        }
        return code;
    }

    /** Pushes 1, or 0 when {@code jumpToZero} (which consumes the comparison's operands) is taken. */
    private static void zeroOrOne(InsnList code, int jumpToZero) {
        LabelNode zero = new LabelNode();
        LabelNode done = new LabelNode();
        code.add(new JumpInsnNode(jumpToZero, zero));
        code.add(new InsnNode(Opcodes.ICONST_1));
        code.add(new JumpInsnNode(Opcodes.GOTO, done));
        code.add(zero);
        code.add(new InsnNode(Opcodes.ICONST_0));
        code.add(done);
    }

    /** [a, b] to [a ^ MIN, b ^ MIN]: the signed comparison of the flipped values is the unsigned one. */
    private static void flipTwoInts(InsnList code) {
        for (int i = 0; i < 2; i++) {
            code.add(new LdcInsnNode(Integer.MIN_VALUE));
            code.add(new InsnNode(Opcodes.IXOR));
            code.add(new InsnNode(Opcodes.SWAP));
        }
    }

    private static void flipTwoLongs(InsnList code) {
        for (int i = 0; i < 2; i++) {
            code.add(new LdcInsnNode(Long.MIN_VALUE));
            code.add(new InsnNode(Opcodes.LXOR));
            // Swaps the two longs on top of the stack.
            code.add(new InsnNode(Opcodes.DUP2_X2));
            code.add(new InsnNode(Opcodes.POP2));
        }
    }

    /** [v, n] to {@code (v << n) | (v >>> -n)} for rotl (the shifts swapped for rotr), which the JIT makes a rotate. */
    private static void rotate(InsnList code, AccessSite.Locals locals, int first, int second) {
        int value = locals.intValue();
        int count = locals.address();
        code.add(new VarInsnNode(Opcodes.ISTORE, count));
        code.add(new VarInsnNode(Opcodes.ISTORE, value));
        code.add(new VarInsnNode(Opcodes.ILOAD, value));
        code.add(new VarInsnNode(Opcodes.ILOAD, count));
        code.add(new InsnNode(first));
        code.add(new VarInsnNode(Opcodes.ILOAD, value));
        code.add(new VarInsnNode(Opcodes.ILOAD, count));
        code.add(new InsnNode(Opcodes.INEG));
        code.add(new InsnNode(second));
        code.add(new InsnNode(Opcodes.IOR));
    }
}
