package dev.fluent.plugin.runtime.internal.compile;

import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.CHICORY_MEMORY;
import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.MEMORY;
import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.pushInt;

import dev.fluent.plugin.runtime.internal.abi.LinearStorage;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * One load or store in a generated method: Chicory's {@code <offset>; aload <memory>; invokestatic
 * <Shaded>.memoryReadInt(base, offset, memory)}, and the inline code {@link MemoryAccessInliner} puts in its
 * place.
 */
final class AccessSite implements RewriteSite {

    static final int CARD_SHIFT = LinearStorage.CARD_SHIFT;
    private static final String VIEWS = "dev/fluent/plugin/runtime/internal/abi/MemoryViews";
    private static final String UNSAFE = "sun/misc/Unsafe";
    private static final String UNSAFE_DESC = "Lsun/misc/Unsafe;";

    /** The Shaded methods rewritten, with the memory's method for the checked path. */
    enum Kind {
        READ_BYTE("memoryReadByte", 'B', 1, false, "read"),
        READ_SHORT("memoryReadShort", 'S', 2, false, "readShort"),
        READ_INT("memoryReadInt", 'I', 4, false, "readInt"),
        READ_LONG("memoryReadLong", 'J', 8, false, "readLong"),
        READ_FLOAT("memoryReadFloat", 'F', 4, false, "readFloat"),
        READ_DOUBLE("memoryReadDouble", 'D', 8, false, "readDouble"),
        WRITE_BYTE("memoryWriteByte", 'B', 1, true, "writeByte"),
        WRITE_SHORT("memoryWriteShort", 'S', 2, true, "writeShort"),
        WRITE_INT("memoryWriteInt", 'I', 4, true, "writeI32"),
        WRITE_LONG("memoryWriteLong", 'J', 8, true, "writeLong"),
        WRITE_FLOAT("memoryWriteFloat", 'F', 4, true, "writeF32"),
        WRITE_DOUBLE("memoryWriteDouble", 'D', 8, true, "writeF64");

        final String shaded;
        final String shadedDesc;
        final Type value;
        final int width;
        final boolean write;
        final String slowName;
        final String slowDesc;
        /** The name of {@code sun.misc.Unsafe}'s accessor after "get"/"put": Int, Long, Double… */
        final String unsafeName;

        Kind(String shaded, char value, int width, boolean write, String slowName) {
            this.shaded = shaded;
            this.value = Type.getType(String.valueOf(value));
            this.width = width;
            this.write = write;
            this.slowName = slowName;
            String memory = "L" + CHICORY_MEMORY + ";";
            this.shadedDesc = write ? "(I" + value + "I" + memory + ")V" : "(II" + memory + ")" + value;
            this.slowDesc = write ? "(I" + value + ")V" : "(I)" + value;
            String typeName = this.value.getClassName();
            this.unsafeName = Character.toUpperCase(typeName.charAt(0)) + typeName.substring(1);
        }

        /** The kind of a call to a module's Shaded memory method, or null for any other call. */
        static Kind of(MethodInsnNode call) {
            if (call.getOpcode() != Opcodes.INVOKESTATIC || !call.owner.endsWith("Shaded")) {
                return null;
            }
            for (Kind k : values()) {
                if (k.shaded.equals(call.name) && k.shadedDesc.equals(call.desc)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The locals the rewrite adds after a method's own; shared by its sites, each of which sets what it reads. */
    record Locals(int memory, int address, int intValue, int longValue, int floatValue, int doubleValue,
            int flat, int cards, int bound, int countdown, int effective, int chunk, int span, int travel) {
        static Locals after(int maxLocals) {
            return new Locals(maxLocals, maxLocals + 1, maxLocals + 2, maxLocals + 3, maxLocals + 5,
                    maxLocals + 6, maxLocals + 8, maxLocals + 9, maxLocals + 10, maxLocals + 12, maxLocals + 13,
                    maxLocals + 15, maxLocals + 16, maxLocals + 18);
        }

        int end() {
            return travel + 2;
        }

        int value(Type type) {
            return switch (type.getSort()) {
                case Type.LONG -> longValue;
                case Type.FLOAT -> floatValue;
                case Type.DOUBLE -> doubleValue;
                default -> intValue;
            };
        }
    }

    private final Kind kind;
    private final AbstractInsnNode offsetPush;
    private final VarInsnNode memoryLoad;
    private final MethodInsnNode call;
    private final int offset;

    private AccessSite(Kind kind, AbstractInsnNode offsetPush, VarInsnNode memoryLoad, MethodInsnNode call,
            int offset) {
        this.kind = kind;
        this.offsetPush = offsetPush;
        this.memoryLoad = memoryLoad;
        this.call = call;
        this.offset = offset;
    }

    /** The site whose call is {@code insn}, if it has the shape Chicory emits for memory 0; else null. */
    static AccessSite match(AbstractInsnNode insn) {
        if (!(insn instanceof MethodInsnNode call)) {
            return null;
        }
        Kind kind = Kind.of(call);
        AbstractInsnNode load = call.getPrevious();
        if (kind == null || !(load instanceof VarInsnNode memory) || memory.getOpcode() != Opcodes.ALOAD) {
            return null;
        }
        AbstractInsnNode push = load.getPrevious();
        Integer offset = push == null ? null : MemoryAccessInliner.intConstant(push);
        // Chicory traps before the call for offsets it cannot pass as an int; those sites stay as they are.
        if (offset == null || offset < 0) {
            return null;
        }
        return new AccessSite(kind, push, memory, call, offset);
    }

    int memorySlot() {
        return memoryLoad.var;
    }

    Kind kind() {
        return kind;
    }

    MethodInsnNode call() {
        return call;
    }

    AbstractInsnNode offsetPush() {
        return offsetPush;
    }

    VarInsnNode memoryLoad() {
        return memoryLoad;
    }

    int offset() {
        return offset;
    }

    /** A lower bound of the bytes the three instructions replaced take. */
    @Override
    public int originalSize() {
        return 1 + 1 + 3;
    }

    @Override
    public void replace(InsnList instructions, InsnList replacement) {
        instructions.insert(call, replacement);
        instructions.remove(offsetPush);
        instructions.remove(memoryLoad);
        instructions.remove(call);
    }

    /**
     * The inline access. Before it the stack holds the base address (and, for a store, the value above it);
     * after it, what the Shaded method returned. The effective address is WebAssembly's, in a long: the base
     * unsigned plus the offset, which neither overflows nor wraps. One comparison with the bound (8 bytes short of
     * the flat array's live end) guards the access, which reads or writes the array at the effective address; a
     * store also marks the card it starts in as dirty. The card's index needs no check: the cards cover every
     * page of the memory, and the bound lies below its end. What fails the comparison calls the memory's own method
     * with Chicory's int address ({@link #slowAddress}), which traps outside the memory and reads or writes byte by
     * byte inside it.
     */
    @Override
    public InsnList emit(Locals locals) {
        return emit(locals, true);
    }

    /**
     * The access without its check or its card mark, for {@link LoopVersion}'s fast copy of a loop, which checked
     * the addresses and marked the cards of a whole chunk of iterations before it.
     */
    InsnList emitUnchecked(Locals locals) {
        return emit(locals, false);
    }

    private InsnList emit(Locals locals, boolean checked) {
        InsnList code = new InsnList();
        LabelNode slow = new LabelNode();
        LabelNode done = new LabelNode();
        int value = locals.value(kind.value);
        if (kind.write) {
            code.add(new VarInsnNode(kind.value.getOpcode(Opcodes.ISTORE), value));
        }
        if (checked) {
            code.add(new VarInsnNode(Opcodes.ISTORE, locals.address()));
            code.add(new VarInsnNode(Opcodes.ILOAD, locals.address()));
        }
        // effective = (base & 0xFFFFFFFFL) + offset; inside if effective < bound.
        code.add(new InsnNode(Opcodes.I2L));
        code.add(new LdcInsnNode(0xFFFF_FFFFL));
        code.add(new InsnNode(Opcodes.LAND));
        if (offset != 0) {
            code.add(new LdcInsnNode((long) offset));
            code.add(new InsnNode(Opcodes.LADD));
        }
        if (checked) {
            code.add(new InsnNode(Opcodes.DUP2));
        }
        code.add(new VarInsnNode(Opcodes.LSTORE, locals.effective()));
        if (checked) {
            code.add(new VarInsnNode(Opcodes.LLOAD, locals.bound()));
            code.add(new InsnNode(Opcodes.LCMP));
            code.add(new JumpInsnNode(Opcodes.IFGE, slow));
        }
        code.add(new FieldInsnNode(Opcodes.GETSTATIC, VIEWS, "UNSAFE", UNSAFE_DESC));
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.flat()));
        code.add(arrayOffset(locals, 0));
        if (kind.write) {
            code.add(new VarInsnNode(kind.value.getOpcode(Opcodes.ILOAD), value));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, UNSAFE, "put" + kind.unsafeName,
                    "(Ljava/lang/Object;J" + kind.value + ")V", false));
            if (checked) {
                // cards[effective >>> CARD_SHIFT] = 1
                code.add(new FieldInsnNode(Opcodes.GETSTATIC, VIEWS, "UNSAFE", UNSAFE_DESC));
                code.add(new VarInsnNode(Opcodes.ALOAD, locals.cards()));
                code.add(arrayOffset(locals, CARD_SHIFT));
                code.add(new InsnNode(Opcodes.ICONST_1));
                code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, UNSAFE, "putByte", "(Ljava/lang/Object;JB)V",
                        false));
            }
        } else {
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, UNSAFE, "get" + kind.unsafeName,
                    "(Ljava/lang/Object;J)" + kind.value, false));
        }
        if (!checked) {
            return code;
        }
        code.add(new JumpInsnNode(Opcodes.GOTO, done));
        code.add(slow);
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        code.add(slowAddress(locals));
        if (kind.write) {
            code.add(new VarInsnNode(kind.value.getOpcode(Opcodes.ILOAD), value));
        }
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, MEMORY, kind.slowName, kind.slowDesc, false));
        code.add(done);
        return code;
    }

    /** {@code BYTE_BASE + (effective >>> shift)}: where in a byte array the access, or its card, lies. */
    private static InsnList arrayOffset(Locals locals, int shift) {
        InsnList code = new InsnList();
        code.add(new FieldInsnNode(Opcodes.GETSTATIC, VIEWS, "BYTE_BASE", "J"));
        code.add(new VarInsnNode(Opcodes.LLOAD, locals.effective()));
        if (shift != 0) {
            code.add(pushInt(shift));
            code.add(new InsnNode(Opcodes.LUSHR));
        }
        code.add(new InsnNode(Opcodes.LADD));
        return code;
    }

    /**
     * Chicory's int address for the checked path: {@code base + (offset & ~(base >> 31))}, the base plus the offset
     * for a base below 2 GiB (an overflow past 2 GiB gives a negative address, which traps), and the base itself,
     * negative, at 2 GiB and above; so the trap's message names the address Chicory's would.
     */
    private InsnList slowAddress(Locals locals) {
        InsnList code = new InsnList();
        code.add(new VarInsnNode(Opcodes.ILOAD, locals.address()));
        if (offset != 0) {
            code.add(new InsnNode(Opcodes.DUP));
            code.add(pushInt(31));
            code.add(new InsnNode(Opcodes.ISHR));
            code.add(new InsnNode(Opcodes.ICONST_M1));
            code.add(new InsnNode(Opcodes.IXOR));
            code.add(pushInt(offset));
            code.add(new InsnNode(Opcodes.IAND));
            code.add(new InsnNode(Opcodes.IADD));
        }
        return code;
    }
}
