package dev.fluent.plugin.runtime.internal.compile;

import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.MEMORY;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
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
 * is an acquire: the JIT may not move the loop's other loads above it, so it cannot hoist even the memory's
 * tables and bound out of the loop. The countdown is a plain field of the instance's memory ({@code
 * PluginMemory.interruptCountdown}, one thread at a time like the instance): decremented on every back edge, and
 * when it runs out, {@code PluginMemory.checkInterruption()} refills it and throws Chicory's own exception if the
 * thread was interrupted.
 *
 * <p>Why the deadline still holds: the checks before calls (calls to other functions, host functions and the
 * interpreter) are left as Chicory emits them, and bulk memory operations empty the countdown. So between two
 * checks a thread runs at most {@code INTERRUPT_INTERVAL} loop iterations without a call, plus the straight-line
 * code of the frames it returns through: bounded by the size of a JVM method, whatever the module does.
 */
final class LoopCheckSite {

    private static final String CHECK = "checkInterruption";
    private static final String COUNTDOWN = "interruptCountdown";

    private final MethodInsnNode check;

    private LoopCheckSite(MethodInsnNode check) {
        this.check = check;
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
    int originalSize() {
        return 3;
    }

    /** {@code if (--memory.interruptCountdown <= 0) memory.checkInterruption();} */
    InsnList emit(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        LabelNode counted = new LabelNode();
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new FieldInsnNode(Opcodes.GETFIELD, MEMORY, COUNTDOWN, "I"));
        code.add(new InsnNode(Opcodes.ICONST_1));
        code.add(new InsnNode(Opcodes.ISUB));
        code.add(new InsnNode(Opcodes.DUP_X1));
        code.add(new FieldInsnNode(Opcodes.PUTFIELD, MEMORY, COUNTDOWN, "I"));
        code.add(new JumpInsnNode(Opcodes.IFGT, counted));
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, MEMORY, CHECK, "()V", false));
        code.add(counted);
        return code;
    }

    void replace(InsnList instructions, InsnList replacement) {
        instructions.insert(check, replacement);
        instructions.remove(check);
    }
}
