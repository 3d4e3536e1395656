package dev.fluent.plugin.runtime.internal.compile;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.Value;

/**
 * What a value of a loop's body is, as a function of the int locals the iteration started with: {@code c + Σ
 * a_k · local_k}, computed in 32 bits (the form is then right modulo 2^32), or unknown. {@link LoopVersion} reads
 * the addresses of a loop's memory accesses this way.
 *
 * <p>Only additions, subtractions, and multiplications and left shifts by a constant keep a form: these commute
 * with reduction modulo 2^32, so whatever the locals' values, the 32-bit value the code computes and the form
 * evaluated on those values agree modulo 2^32. The coefficients stay small ({@link #MAX_COEFFICIENT}) and the
 * terms few ({@link #MAX_TERMS}) so that a form evaluated in 64 bits on zero-extended locals never overflows.
 */
class AddressForm implements Value {

    static final int MAX_COEFFICIENT = 1 << 16;
    static final int MAX_TERMS = 4;

    private static final AddressForm UNKNOWN_1 = new AddressForm(1, null, 0);
    private static final AddressForm UNKNOWN_2 = new AddressForm(2, null, 0);

    private final int size;
    /** Local slot → coefficient; null for an unknown value. */
    private final Map<Integer, Integer> terms;
    private final int constant;

    private AddressForm(int size, Map<Integer, Integer> terms, int constant) {
        this.size = size;
        this.terms = terms;
        this.constant = constant;
    }

    static AddressForm unknown(int size) {
        return size == 2 ? UNKNOWN_2 : UNKNOWN_1;
    }

    static AddressForm constant(int value) {
        return new AddressForm(1, Map.of(), value);
    }

    /** The local's value at the iteration's start. */
    static AddressForm local(int slot) {
        return new AddressForm(1, Map.of(slot, 1), 0);
    }

    boolean known() {
        return terms != null;
    }

    Map<Integer, Integer> terms() {
        return terms;
    }

    int constantPart() {
        return constant;
    }

    @Override
    public int getSize() {
        return size;
    }

    private AddressForm plus(AddressForm other, int sign) {
        if (!known() || !other.known()) {
            return UNKNOWN_1;
        }
        Map<Integer, Integer> sum = new TreeMap<>(terms);
        for (Map.Entry<Integer, Integer> term : other.terms.entrySet()) {
            long coefficient = (long) sum.getOrDefault(term.getKey(), 0) + (long) sign * term.getValue();
            if (Math.abs(coefficient) > MAX_COEFFICIENT) {
                return UNKNOWN_1;
            }
            if (coefficient == 0) {
                sum.remove(term.getKey());
            } else {
                sum.put(term.getKey(), (int) coefficient);
            }
        }
        return sum.size() > MAX_TERMS ? UNKNOWN_1 : new AddressForm(1, sum, constant + sign * other.constant);
    }

    private AddressForm times(long factor) {
        if (!known() || Math.abs(factor) > MAX_COEFFICIENT) {
            return UNKNOWN_1;
        }
        Map<Integer, Integer> product = new TreeMap<>();
        for (Map.Entry<Integer, Integer> term : terms.entrySet()) {
            long coefficient = term.getValue() * factor;
            if (Math.abs(coefficient) > MAX_COEFFICIENT) {
                return UNKNOWN_1;
            }
            if (coefficient != 0) {
                product.put(term.getKey(), (int) coefficient);
            }
        }
        return new AddressForm(1, product, (int) (constant * factor));
    }

    private Integer asConstant() {
        return known() && terms.isEmpty() ? constant : null;
    }

    /**
     * Known forms are equal when they are the same form. An unknown value, or a local's value at the iteration's
     * start, equals only itself: ASM's {@code Frame.merge} keeps a slot whose merge {@code equals} it, and an
     * unwritten local merged with a written one must not stay unwritten.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof AddressForm other && known() && other.known() && !(this instanceof Entry)
                && !(other instanceof Entry) && size == other.size && constant == other.constant
                && terms.equals(other.terms);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(size, terms, constant);
    }

    @Override
    public String toString() {
        return known() ? constant + " + " + terms : "?";
    }

    /**
     * Runs a loop's body: int locals not yet written in the iteration read as themselves; every value
     * outside the forms above is unknown.
     */
    static final class Evaluator extends Interpreter<AddressForm> {

        Evaluator() {
            super(Opcodes.ASM9);
        }

        @Override
        public AddressForm newValue(Type type) {
            if (type == Type.VOID_TYPE) {
                return null;
            }
            return unknown(type == null ? 1 : type.getSize());
        }

        @Override
        public AddressForm newOperation(AbstractInsnNode insn) {
            Integer value = MemoryAccessInliner.intConstant(insn);
            if (value != null) {
                return constant(value);
            }
            if (insn instanceof FieldInsnNode field) {
                return unknown(Type.getType(field.desc).getSize());
            }
            int op = insn.getOpcode();
            boolean wide = op == Opcodes.LCONST_0 || op == Opcodes.LCONST_1 || op == Opcodes.DCONST_0
                    || op == Opcodes.DCONST_1
                    || insn instanceof LdcInsnNode ldc && (ldc.cst instanceof Long || ldc.cst instanceof Double);
            return unknown(wide ? 2 : 1);
        }

        @Override
        public AddressForm copyOperation(AbstractInsnNode insn, AddressForm value) {
            if (insn.getOpcode() == Opcodes.ILOAD && value instanceof Entry) {
                return local(((VarInsnNode) insn).var);
            }
            if (value instanceof Entry) {
                // A non-int local the iteration started with: its value is nothing to this analysis.
                int op = insn.getOpcode();
                return unknown(op == Opcodes.LLOAD || op == Opcodes.DLOAD ? 2 : 1);
            }
            return value;
        }

        @Override
        public AddressForm unaryOperation(AbstractInsnNode insn, AddressForm value) {
            if (insn instanceof IincInsnNode iinc) {
                AddressForm start = value instanceof Entry ? local(iinc.var) : value;
                return start.plus(constant(iinc.incr), 1);
            }
            if (insn instanceof FieldInsnNode field) {
                return unknown(Type.getType(field.desc).getSize());
            }
            return newValue(resultType(insn.getOpcode()));
        }

        @Override
        public AddressForm binaryOperation(AbstractInsnNode insn, AddressForm left, AddressForm right) {
            switch (insn.getOpcode()) {
                case Opcodes.IADD:
                    return left.plus(right, 1);
                case Opcodes.ISUB:
                    return left.plus(right, -1);
                case Opcodes.IMUL: {
                    Integer l = left.asConstant();
                    Integer r = right.asConstant();
                    return r != null ? left.times(r) : l != null ? right.times(l) : UNKNOWN_1;
                }
                case Opcodes.ISHL: {
                    Integer shift = right.asConstant();
                    return shift == null ? UNKNOWN_1 : left.times(1L << (shift & 31));
                }
                default:
                    return newValue(resultType(insn.getOpcode()));
            }
        }

        @Override
        public AddressForm ternaryOperation(AbstractInsnNode insn, AddressForm a, AddressForm b, AddressForm c) {
            return null;
        }

        @Override
        public AddressForm naryOperation(AbstractInsnNode insn, List<? extends AddressForm> values) {
            if (insn instanceof MethodInsnNode call) {
                return newValue(Type.getReturnType(call.desc));
            }
            return UNKNOWN_1;
        }

        @Override
        public void returnOperation(AbstractInsnNode insn, AddressForm value, AddressForm expected) {
        }

        /**
         * Where paths join: a value both paths agree on stays; anything else is unknown. A local the iteration
         * started with stays itself only if no path wrote it (the same object on both).
         */
        @Override
        public AddressForm merge(AddressForm a, AddressForm b) {
            if (a == b) {
                return a;
            }
            if (!(a instanceof Entry) && !(b instanceof Entry) && a.known() && a.equals(b)) {
                return a;
            }
            return unknown(Math.min(a.getSize(), b.getSize()));
        }

        /**
         * The type an arithmetic, conversion, comparison or array-load opcode leaves, for the size of its unknown
         * result: a wrong size would shift the stack under the values this reading tracks.
         */
        private static Type resultType(int op) {
            return switch (op) {
                case Opcodes.LADD, Opcodes.LSUB, Opcodes.LMUL, Opcodes.LDIV, Opcodes.LREM, Opcodes.LNEG,
                        Opcodes.LSHL, Opcodes.LSHR, Opcodes.LUSHR, Opcodes.LAND, Opcodes.LOR, Opcodes.LXOR,
                        Opcodes.I2L, Opcodes.F2L, Opcodes.D2L, Opcodes.LALOAD -> Type.LONG_TYPE;
                case Opcodes.DADD, Opcodes.DSUB, Opcodes.DMUL, Opcodes.DDIV, Opcodes.DREM, Opcodes.DNEG,
                        Opcodes.I2D, Opcodes.L2D, Opcodes.F2D, Opcodes.DALOAD -> Type.DOUBLE_TYPE;
                case Opcodes.CHECKCAST, Opcodes.INSTANCEOF, Opcodes.NEWARRAY, Opcodes.ANEWARRAY,
                        Opcodes.ARRAYLENGTH, Opcodes.AALOAD -> null;
                default -> Type.INT_TYPE;
            };
        }
    }

    /** A local's value where the iteration starts, before the body writes it. */
    static final class Entry extends AddressForm {
        Entry() {
            super(1, null, 0);
        }
    }
}
