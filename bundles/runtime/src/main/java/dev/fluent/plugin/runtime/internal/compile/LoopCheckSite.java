package dev.fluent.plugin.runtime.internal.compile;

import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.MEMORY;

import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The interruption check on a loop's back edge, Chicory's {@code invokestatic <Shaded>.checkInterruption(); goto
 * <an earlier label>}, and the countdown {@link MemoryAccessInliner} puts in its place.
 *
 * <p>Why: Chicory's check reads the thread's interrupt flag, a volatile field, on every iteration. A volatile read
 * is an acquire: the JIT may not move the loop's other loads above it. The countdown is a local of the method,
 * a register to the JIT: decremented on every back edge, and when it runs out, {@code
 * PluginMemory.checkInterruption()} throws Chicory's own exception if the thread was interrupted, and the
 * countdown starts again.
 *
 * <p>Why the deadline still holds: the countdown starts full when the method is entered, and empties after every
 * call that is not constant-time arithmetic or a scalar access: bulk memory operations, host functions, other
 * functions, whose time may grow with an operand, so the next back edge checks at once. The checks before calls
 * are left as Chicory emits them. A method that calls anything whose time may grow and that does not reach
 * the memory ({@code table.fill}, {@code table.copy}, {@code table.grow}, the GC proposal's array operations, an
 * atomic wait: see {@link #boundedBetweenChecks}) keeps Chicory's checks on its loops. So between two checks a
 * thread runs at most {@code INTERRUPT_INTERVAL} loop iterations of one frame, each free of calls and bounded by
 * the size of a JVM method, plus the straight-line code of the frames it returns through, whatever the module
 * does.
 */
final class LoopCheckSite implements RewriteSite {

    private static final String CHECK = "checkInterruption";
    private static final String OPCODES = "com/dylibso/chicory/runtime/OpcodeImpl";
    /** Arithmetic helpers Chicory calls: constant time. */
    private static final Set<String> JAVA_MATH = Set.of("java/lang/Math", "java/lang/StrictMath", "java/lang/Float",
            "java/lang/Double", "java/lang/Integer", "java/lang/Long");
    /**
     * The Shaded methods a counted loop may call: constant time, calls (which Chicory checks before), or memory
     * operations of one memory, after which the countdown empties. Not here, so their methods keep Chicory's checks: the table and array bulk operations,
     * object allocation of the GC proposal, atomic wait and notify, the copy between two memories.
     */
    private static final Set<String> SHADED_BOUNDED = Set.of("callIndirect", "callHostFunction", "isRefNull",
            "refAsNonNull", "tableGet", "tableSet", "tableSize", "i32_ge_u", "memoryFill", "memoryInit",
            "memoryGrow", "memoryDrop", "memoryPages", "getAddr", "throwCallStackExhausted",
            "throwIndirectCallTypeMismatch", "throwOutOfBoundsMemoryAccess", "throwTrapException",
            "throwNullFunctionReference", "throwUnknownFunction", CHECK, "readGlobal", "writeGlobal", "readGlobalRef",
            "exceptionMatches", "memoryAtomicFence", "structGet", "structGetS", "structGetU", "structSet",
            "arrayGet", "arrayGetS", "arrayGetU", "arraySet", "arrayLen", "refTest", "refTestNull", "castTest",
            "castTestNull", "heapTypeMatch", "refI31", "i31GetS", "i31GetU", "refEq", "dataDrop");

    private final MethodInsnNode check;

    private LoopCheckSite(MethodInsnNode check) {
        this.check = check;
    }

    /**
     * Whether every call the method makes takes bounded time or is checked before: the condition for its loops to
     * count down. Conservative: a call not known to be either keeps Chicory's checks on all the method's loops.
     *
     * @param generatedPackage the package of the module's generated classes: calls there are the module's
     *     functions, which Chicory checks before
     */
    static boolean boundedBetweenChecks(MethodNode method, String generatedPackage) {
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof MethodInsnNode call && !bounded(call, generatedPackage)) {
                return false;
            }
            if (insn.getOpcode() == Opcodes.INVOKEDYNAMIC) {
                return false;
            }
        }
        return true;
    }

    private static boolean bounded(MethodInsnNode call, String generatedPackage) {
        String owner = call.owner;
        if (owner.endsWith("Shaded") && owner.startsWith(generatedPackage)) {
            if (call.name.equals("memoryCopy")) {
                // One memory: PluginMemory.copy, after which the countdown empties; not the copy between two memories.
                return call.desc.indexOf("Memory;") == call.desc.lastIndexOf("Memory;");
            }
            return SHADED_BOUNDED.contains(call.name) || call.name.startsWith("memoryRead")
                    || call.name.startsWith("memoryWrite")
                    || (call.name.startsWith("memoryAtomic") && !call.name.startsWith("memoryAtomicWait")
                            && !call.name.equals("memoryAtomicNotify"));
        }
        if (owner.equals(MEMORY)) {
            return true; // the rewritten accesses' checked paths: one scalar, or the check itself
        }
        if (owner.equals(OPCODES)) {
            return !call.name.startsWith("TABLE_");
        }
        if (call.getOpcode() == Opcodes.INVOKESPECIAL && call.name.equals("<init>")) {
            return true; // the exceptions Chicory throws
        }
        return isJavaMath(owner) || owner.startsWith(generatedPackage) && owner.indexOf('/',
                generatedPackage.length()) < 0;
    }

    /** Whether a class is one of the JDK's whose static methods Chicory calls for constant-time arithmetic. */
    static boolean isJavaMath(String owner) {
        return JAVA_MATH.contains(owner);
    }

    /**
     * The back-edge check whose call is {@code insn}, or null: any other call, or a check not followed by a jump
     * back (the checks before calls).
     */
    static LoopCheckSite match(MethodNode method, AbstractInsnNode insn) {
        if (!(insn instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKESTATIC
                || !call.owner.endsWith("Shaded") || !CHECK.equals(call.name) || !"()V".equals(call.desc)) {
            return null;
        }
        AbstractInsnNode next = call.getNext();
        if (next instanceof JumpInsnNode jump && jump.getOpcode() == Opcodes.GOTO
                && method.instructions.indexOf(jump.label) < method.instructions.indexOf(call)) {
            return new LoopCheckSite(call);
        }
        return null;
    }

    /** The bytes the call replaced takes. */
    @Override
    public int originalSize() {
        return 3;
    }

    /** {@code if (--countdown <= 0) { memory.checkInterruption(); countdown = INTERRUPT_INTERVAL; }} */
    @Override
    public InsnList emit(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        LabelNode counted = new LabelNode();
        code.add(new IincInsnNode(locals.countdown(), -1));
        code.add(new VarInsnNode(Opcodes.ILOAD, locals.countdown()));
        code.add(new JumpInsnNode(Opcodes.IFGT, counted));
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, MEMORY, CHECK, "()V", false));
        code.add(start(locals));
        code.add(counted);
        return code;
    }

    /** Fills the countdown: at the method's start and after every check. */
    static InsnList start(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        code.add(MemoryAccessInliner.pushInt(PluginMemory.INTERRUPT_INTERVAL));
        code.add(new VarInsnNode(Opcodes.ISTORE, locals.countdown()));
        return code;
    }

    /** Empties the countdown after a call whose time the countdown does not see: the next back edge checks. */
    static InsnList empty(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        code.add(new InsnNode(Opcodes.ICONST_0));
        code.add(new VarInsnNode(Opcodes.ISTORE, locals.countdown()));
        return code;
    }

    @Override
    public void replace(InsnList instructions, InsnList replacement) {
        instructions.insert(check, replacement);
        instructions.remove(check);
    }
}
