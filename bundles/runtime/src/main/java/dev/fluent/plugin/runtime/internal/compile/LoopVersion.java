package dev.fluent.plugin.runtime.internal.compile;

import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.MEMORY;
import static dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner.pushInt;

import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * A second, unchecked version of an innermost loop, run a chunk of iterations at a time: the loops of compute
 * kernels, where every access's bound check, every store's card mark and the countdown on the back edge cost
 * more than the work (a matrix product's inner loop is two loads, a multiply-add and a store).
 *
 * <p>The loop qualifies ({@link LoopCandidate}) when its body's jumps all go forward (branches within it, exits
 * out of it), it calls nothing but scalar memory accesses, global accesses and Chicory's arithmetic helpers,
 * and some of its accesses have addresses of the form {@code c + Σ a_k · local_k} ({@link AddressForm}) in int
 * locals that each step by the same amount per iteration on every path, or not at all. Before each chunk of
 * {@code K} iterations, a header:
 *
 * <ol>
 *   <li>evaluates each group of such addresses (same locals and coefficients) in 64 bits on the locals'
 *       zero-extended values, and checks that over the next {@code K} iterations every address lies in
 *       {@code [0, 2^32)} and every effective address (plus the access's offset) under the memory's bound. The
 *       address is linear in the iteration number, so its extremes are at the chunk's first and last
 *       iteration; in {@code [0, 2^32)} the 32-bit value the code computes equals the 64-bit one. Any check that
 *       fails runs the original loop, with its checks, to its end;</li>
 *   <li>marks the cards of every store such an address may make in the chunk ({@code PluginMemory.markCards}):
 *       a card marked and not written only costs the reset a copy, so chunks are kept to 4 KiB of each store's
 *       stride;</li>
 *   <li>charges the countdown {@code K} iterations at once, checking for interruption when it runs out;</li>
 * </ol>
 * then runs up to {@code K} iterations of a copy of the body whose grouped accesses read and write the flat
 * array without a check or a mark. Accesses of other forms keep theirs, in both versions. The copy leaves by
 * the body's own exits; after {@code K} iterations it returns to the header.
 */
final class LoopVersion {

    /** The most bytes one call of Chicory's grows by when rewritten inline: an access's checked code. */
    private static final int CALL_GROWTH = 72;
    /** Locals a method may have for its loops to be read: compilers' functions have a few hundred at most. */
    static final int MAX_LOCALS = 2048;
    /** Iterations a chunk runs at most: the countdown's interval. */
    static final int MAX_CHUNK = PluginMemory.INTERRUPT_INTERVAL;
    /** Fewer iterations a chunk would not repay its header. */
    static final int MIN_CHUNK = 16;
    /** Bytes a store's address may move over one chunk: its cards are marked ahead. */
    static final int STORE_SPAN = 4096;

    /**
     * How far a group's addresses move per iteration: {@code constant + Σ coefficient · local} over locals the body
     * never writes, computed in 32 bits and sign-extended. Fixed when it has no locals.
     */
    record Step(Map<Integer, Integer> terms, int constant) {
        boolean fixed() {
            return terms.isEmpty();
        }
    }

    /** One access of the fast version: its site, its group, and its first address as a form's constant part. */
    record Grouped(AccessSite site, Map<Integer, Integer> terms, int constant) {
    }

    private final LabelNode head;
    private final List<AbstractInsnNode> body;
    private final JumpInsnNode backEdge;
    private final Map<MethodInsnNode, Grouped> fast;
    private final Map<Map<Integer, Integer>, Step> steps;
    private final int chunk;

    LoopVersion(LabelNode head, List<AbstractInsnNode> body, JumpInsnNode backEdge,
            Map<MethodInsnNode, Grouped> fast, Map<Map<Integer, Integer>, Step> steps, int chunk) {
        this.head = head;
        this.body = body;
        this.backEdge = backEdge;
        this.fast = fast;
        this.steps = steps;
        this.chunk = chunk;
    }

    /**
     * The versions of the method's qualifying loops whose code fits: each grows the method by its header and its
     * copy, counted from {@code size[0]} (which it advances) against {@code limit} less room for every other
     * rewrite of the method.
     *
     * @param memorySlot the method's memory parameter, the only memory a fast access may be of
     * @return how many loops were versioned
     */
    static int versionAll(MethodNode method, int memorySlot, AccessSite.Locals locals, int[] size, int limit) {
        if (method.maxLocals > MAX_LOCALS) {
            return 0; // each loop's analysis starts from a state of every local: bounded, whatever the module
        }
        // Versions only where every other rewrite would still fit: room for each call to grow by a site's code.
        int room = limit;
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            room -= insn instanceof MethodInsnNode ? CALL_GROWTH : 0;
        }
        Map<LabelNode, List<AbstractInsnNode>> targets = LoopCandidate.targets(method);
        List<LoopVersion> versions = new ArrayList<>();
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            LoopVersion version = LoopCandidate.match(method, insn, targets, memorySlot);
            if (version != null) {
                versions.add(version);
            }
        }
        int versioned = 0;
        for (LoopVersion version : versions) {
            int grows = CodeSize.of(version.emit(locals));
            version.forgetMeasuredLabels();
            if (size[0] + grows > room) {
                continue;
            }
            size[0] += grows;
            method.instructions.insertBefore(version.head, version.emit(locals));
            versioned++;
        }
        return versioned;
    }

    /**
     * Measuring the code wrote jumps to the method's own labels (the head, the body's exits) into a scratch
     * method, which left its offsets in their ASM labels: they get fresh ones before the method is written.
     */
    private void forgetMeasuredLabels() {
        head.resetLabel();
        for (AbstractInsnNode insn : body) {
            if (insn instanceof JumpInsnNode jump) {
                jump.label.resetLabel();
            }
        }
    }

    /** The header and the fast copy, to go right before the loop's head. */
    InsnList emit(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        LabelNode header = new LabelNode();
        LabelNode charged = new LabelNode();
        LabelNode copy = new LabelNode();
        code.add(header);
        for (Map<Integer, Integer> terms : groups()) {
            code.add(checkAndMark(terms, locals));
        }
        // countdown -= K; if it ran out, check, and start it again less this chunk.
        code.add(new VarInsnNode(Opcodes.ILOAD, locals.countdown()));
        code.add(pushInt(chunk));
        code.add(new InsnNode(Opcodes.ISUB));
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new VarInsnNode(Opcodes.ISTORE, locals.countdown()));
        code.add(new JumpInsnNode(Opcodes.IFGT, charged));
        code.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, MEMORY, "checkInterruption", "()V", false));
        code.add(pushInt(PluginMemory.INTERRUPT_INTERVAL - chunk));
        code.add(new VarInsnNode(Opcodes.ISTORE, locals.countdown()));
        code.add(charged);
        code.add(pushInt(chunk));
        code.add(new VarInsnNode(Opcodes.ISTORE, locals.chunk()));
        code.add(copy);
        code.add(copyOfBody(locals));
        code.add(new IincInsnNode(locals.chunk(), -1));
        code.add(new VarInsnNode(Opcodes.ILOAD, locals.chunk()));
        code.add(new JumpInsnNode(Opcodes.IFGT, copy));
        code.add(new JumpInsnNode(Opcodes.GOTO, header));
        return code;
    }

    private List<Map<Integer, Integer>> groups() {
        List<Map<Integer, Integer>> groups = new ArrayList<>();
        for (Grouped access : fast.values()) {
            if (!groups.contains(access.terms())) {
                groups.add(access.terms());
            }
        }
        groups.sort(java.util.Comparator.comparing(Object::toString));
        return groups;
    }

    /**
     * For one group: {@code span = Σ a_k · zext(local_k)}; to the original loop unless every address of the
     * chunk lies in {@code [0, 2^32)} with its effective address under the bound; then the stores' cards.
     */
    private InsnList checkAndMark(Map<Integer, Integer> terms, AccessSite.Locals locals) {
        Step step = steps.get(terms);
        // A fixed step's travel over the chunk is known here; another's is worked out in the header.
        long travel = step.fixed() ? (chunk - 1) * (long) step.constant() : 0;
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        List<long[]> stores = new ArrayList<>();
        for (Grouped access : fast.values()) {
            if (!access.terms().equals(terms)) {
                continue;
            }
            long effective = (long) access.constant() + access.site().offset();
            lowest = Math.min(lowest, access.constant());
            highest = Math.max(highest, effective);
            if (access.site().kind().write) {
                stores.add(new long[] {effective + Math.min(0, travel), effective + Math.max(0, travel)});
            }
        }
        InsnList code = new InsnList();
        boolean first = true;
        for (Map.Entry<Integer, Integer> term : terms.entrySet()) {
            code.add(new VarInsnNode(Opcodes.ILOAD, term.getKey()));
            code.add(new InsnNode(Opcodes.I2L));
            code.add(new LdcInsnNode(0xFFFF_FFFFL));
            code.add(new InsnNode(Opcodes.LAND));
            if (term.getValue() != 1) {
                code.add(new LdcInsnNode((long) term.getValue()));
                code.add(new InsnNode(Opcodes.LMUL));
            }
            if (!first) {
                code.add(new InsnNode(Opcodes.LADD));
            }
            first = false;
        }
        if (first) {
            code.add(new InsnNode(Opcodes.LCONST_0));
        }
        code.add(new VarInsnNode(Opcodes.LSTORE, locals.span()));
        if (!step.fixed()) {
            code.add(travel(step, locals));
        }
        // span + lowest + min(0, travel) < 0: an address would wrap below zero.
        code.add(spanPlus(locals, lowest + Math.min(0, travel)));
        if (!step.fixed()) {
            code.add(plusTravel(locals, "min"));
        }
        code.add(new InsnNode(Opcodes.LCONST_0));
        code.add(new InsnNode(Opcodes.LCMP));
        code.add(new JumpInsnNode(Opcodes.IFLT, head));
        // span + highest + max(0, travel) >= bound: an access would leave the flat array's checked range.
        code.add(spanPlus(locals, highest + Math.max(0, travel)));
        if (!step.fixed()) {
            code.add(plusTravel(locals, "max"));
        }
        code.add(new VarInsnNode(Opcodes.LLOAD, locals.bound()));
        code.add(new InsnNode(Opcodes.LCMP));
        code.add(new JumpInsnNode(Opcodes.IFGE, head));
        for (long[] range : merged(stores)) {
            code.add(new VarInsnNode(Opcodes.ALOAD, locals.cards()));
            code.add(spanPlus(locals, range[0]));
            code.add(spanPlus(locals, range[1]));
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, MEMORY, "markCards", "([BJJ)V", false));
        }
        return code;
    }

    /**
     * {@code travel = (long) (int) (constant + Σ coefficient · local) · (K - 1)}: the step as the body computes
     * it, in 32 bits, sign-extended; any value congruent modulo 2^32 would do, and a step the code means as
     * negative is one of them.
     */
    private InsnList travel(Step step, AccessSite.Locals locals) {
        InsnList code = new InsnList();
        code.add(pushInt(step.constant()));
        for (Map.Entry<Integer, Integer> term : step.terms().entrySet()) {
            code.add(new VarInsnNode(Opcodes.ILOAD, term.getKey()));
            if (term.getValue() != 1) {
                code.add(pushInt(term.getValue()));
                code.add(new InsnNode(Opcodes.IMUL));
            }
            code.add(new InsnNode(Opcodes.IADD));
        }
        code.add(new InsnNode(Opcodes.I2L));
        code.add(new LdcInsnNode((long) (chunk - 1)));
        code.add(new InsnNode(Opcodes.LMUL));
        code.add(new VarInsnNode(Opcodes.LSTORE, locals.travel()));
        return code;
    }

    /** Adds {@code Math.min(0, travel)} or {@code Math.max(0, travel)} to the long on the stack. */
    private static InsnList plusTravel(AccessSite.Locals locals, String extreme) {
        InsnList code = new InsnList();
        code.add(new VarInsnNode(Opcodes.LLOAD, locals.travel()));
        code.add(new InsnNode(Opcodes.LCONST_0));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Math", extreme, "(JJ)J", false));
        code.add(new InsnNode(Opcodes.LADD));
        return code;
    }

    private static InsnList spanPlus(AccessSite.Locals locals, long constant) {
        InsnList code = new InsnList();
        code.add(new VarInsnNode(Opcodes.LLOAD, locals.span()));
        if (constant != 0) {
            code.add(new LdcInsnNode(constant));
            code.add(new InsnNode(Opcodes.LADD));
        }
        return code;
    }

    /** Store ranges, merged where they lie within a card of each other: one call marks each. */
    private static List<long[]> merged(List<long[]> ranges) {
        ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] range : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + (1 << AccessSite.CARD_SHIFT)) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(range.clone());
            }
        }
        return merged;
    }

    /** The body again, its grouped accesses unchecked and unmarked; its exits jump where the body's do. */
    private InsnList copyOfBody(AccessSite.Locals locals) {
        Set<AbstractInsnNode> inBody = new HashSet<>(body);
        Map<LabelNode, LabelNode> labels = new HashMap<>() {
            @Override
            public LabelNode get(Object key) {
                return computeIfAbsent((LabelNode) key, k -> inBody.contains(k) ? new LabelNode() : k);
            }
        };
        Set<AbstractInsnNode> replaced = new HashSet<>();
        for (Grouped access : fast.values()) {
            replaced.add(access.site().offsetPush());
            replaced.add(access.site().memoryLoad());
        }
        InsnList code = new InsnList();
        for (AbstractInsnNode insn : body) {
            Grouped access = insn instanceof MethodInsnNode call ? fast.get(call) : null;
            if (access != null) {
                code.add(access.site().emitUnchecked(locals));
            } else if (!replaced.contains(insn)) {
                code.add(insn.clone(labels));
            }
        }
        return code;
    }
}
