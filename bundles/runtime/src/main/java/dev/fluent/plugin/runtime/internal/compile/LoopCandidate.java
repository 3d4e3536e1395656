package dev.fluent.plugin.runtime.internal.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * Which loops {@link LoopVersion} versions, and how their accesses' addresses step: an innermost loop of
 * Chicory's shape (a head, a body whose jumps all go forward, within it or out of the loop, the interruption
 * check and the jump back), whose body calls nothing but scalar memory accesses, global accesses and
 * constant-time arithmetic helpers, read with {@link AddressForm} along every path, merged where paths join.
 */
final class LoopCandidate {

    private static final long MAX_STEP = 1 << 20;
    /** Instructions and jumps a body may hold: hot inner loops are far smaller. */
    private static final int MAX_BODY = 2000;
    private static final int MAX_BRANCHES = 64;
    /** The Shaded helpers a body may call besides its scalar accesses: constant time, never a grow. */
    private static final Set<String> SHADED_ALLOWED = Set.of("readGlobal", "writeGlobal", "i32_ge_u");

    private LoopCandidate() {
    }

    /**
     * Every label something may jump to, with the jumps that do; a null among them for a switch's case or a
     * try-catch block's edge or handler.
     */
    static Map<LabelNode, List<AbstractInsnNode>> targets(MethodNode method) {
        Map<LabelNode, List<AbstractInsnNode>> targets = new HashMap<>();
        java.util.function.BiConsumer<LabelNode, AbstractInsnNode> add =
                (label, from) -> targets.computeIfAbsent(label, l -> new ArrayList<>()).add(from);
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof JumpInsnNode jump) {
                add.accept(jump.label, jump);
            } else if (insn instanceof TableSwitchInsnNode table) {
                add.accept(table.dflt, null);
                table.labels.forEach(label -> add.accept(label, null));
            } else if (insn instanceof LookupSwitchInsnNode lookup) {
                add.accept(lookup.dflt, null);
                lookup.labels.forEach(label -> add.accept(label, null));
            }
        }
        for (TryCatchBlockNode block : method.tryCatchBlocks) {
            add.accept(block.start, null);
            add.accept(block.end, null);
            add.accept(block.handler, null);
        }
        return targets;
    }

    /** The version of the loop whose back-edge check is {@code insn}, or null if it does not qualify. */
    static LoopVersion match(MethodNode method, AbstractInsnNode insn,
            Map<LabelNode, List<AbstractInsnNode>> targets, int memorySlot) {
        if (LoopCheckSite.match(method, insn) == null) {
            return null;
        }
        JumpInsnNode backEdge = (JumpInsnNode) insn.getNext();
        LabelNode head = backEdge.label;
        if (targets.get(head).size() != 1) {
            // A second way in or a second back edge; or a try-catch block's edge at the head, which the code put
            // before the head would land on the wrong side of.
            return null;
        }
        int end = method.instructions.indexOf(backEdge);
        List<AbstractInsnNode> body = new ArrayList<>();
        int branches = 0;
        for (AbstractInsnNode at = head.getNext(); at != insn; at = at.getNext()) {
            branches += at instanceof JumpInsnNode ? 1 : 0;
            // Bounded so that a module cannot make its load slow: the analysis copies its state at each branch.
            if (body.size() >= MAX_BODY || branches > MAX_BRANCHES || !allowed(method, at, targets, head, insn, end)) {
                return null;
            }
            body.add(at);
        }
        return analyze(method, head, body, backEdge, memorySlot);
    }

    /**
     * Whether a body instruction keeps the body a forward graph that the check ends and calls nothing whose time
     * may grow: jumps go forward, inside the body or out of the loop, and a label in it is reached only from
     * inside it.
     */
    private static boolean allowed(MethodNode method, AbstractInsnNode at,
            Map<LabelNode, List<AbstractInsnNode>> targets, LabelNode head, AbstractInsnNode check, int end) {
        InsnList code = method.instructions;
        if (at instanceof LabelNode label) {
            int here = code.indexOf(label);
            for (AbstractInsnNode from : targets.getOrDefault(label, List.of())) {
                if (from == null || code.indexOf(from) <= code.indexOf(head) || code.indexOf(from) >= here) {
                    return false;
                }
            }
            return true;
        }
        if (at instanceof JumpInsnNode jump) {
            int to = code.indexOf(jump.label);
            return jump.getOpcode() != Opcodes.JSR && (to > end || to > code.indexOf(jump) && to < code.indexOf(check));
        }
        if (at instanceof MethodInsnNode call) {
            if (AccessSite.Kind.of(call) != null) {
                return true;
            }
            String owner = call.owner;
            if (owner.endsWith("Shaded")) {
                return call.getOpcode() == Opcodes.INVOKESTATIC && SHADED_ALLOWED.contains(call.name);
            }
            return owner.equals("com/dylibso/chicory/runtime/OpcodeImpl") && !call.name.startsWith("TABLE_")
                    || LoopCheckSite.isJavaMath(owner);
        }
        int type = at.getType();
        if (type == AbstractInsnNode.LINE) {
            return true;
        }
        int op = at.getOpcode();
        return (type == AbstractInsnNode.INSN && op != Opcodes.ATHROW && (op < Opcodes.IRETURN || op > Opcodes.RETURN)
                && op != Opcodes.MONITORENTER && op != Opcodes.MONITOREXIT)
                || type == AbstractInsnNode.VAR_INSN || type == AbstractInsnNode.IINC_INSN
                || type == AbstractInsnNode.LDC_INSN
                || (type == AbstractInsnNode.INT_INSN && op != Opcodes.NEWARRAY);
    }

    /** Runs the body on address forms; the loop qualifies if some accesses' addresses step predictably. */
    private static LoopVersion analyze(MethodNode method, LabelNode head, List<AbstractInsnNode> body,
            JumpInsnNode backEdge, int memorySlot) {
        AddressForm.Evaluator evaluator = new AddressForm.Evaluator();
        Frame<AddressForm> frame = new Frame<>(method.maxLocals, Math.max(method.maxStack, 1));
        for (int slot = 0; slot < method.maxLocals; slot++) {
            frame.setLocal(slot, new AddressForm.Entry());
        }
        Map<AccessSite, AddressForm> addresses = new LinkedHashMap<>();
        // The state each forward jump inside the body brings to its label, merged with the others reaching it.
        Map<LabelNode, Frame<AddressForm>> arriving = new HashMap<>();
        Set<AbstractInsnNode> inBody = new java.util.HashSet<>(body);
        try {
            for (AbstractInsnNode insn : body) {
                if (insn instanceof LabelNode label && arriving.containsKey(label)) {
                    Frame<AddressForm> joined = arriving.remove(label);
                    if (frame != null) {
                        joined.merge(frame, evaluator);
                    }
                    frame = joined;
                }
                if (frame == null || insn.getOpcode() < 0) {
                    continue; // a label or line number, or code no path reaches
                }
                if (insn instanceof MethodInsnNode call && AccessSite.Kind.of(call) != null) {
                    AccessSite site = AccessSite.match(call);
                    if (site != null && site.memorySlot() == memorySlot) {
                        int below = site.kind().write ? 4 : 3;
                        addresses.put(site, frame.getStack(frame.getStackSize() - below));
                    }
                }
                frame.execute(insn, evaluator);
                if (insn instanceof JumpInsnNode jump) {
                    if (inBody.contains(jump.label)) {
                        Frame<AddressForm> there = arriving.get(jump.label);
                        if (there == null) {
                            arriving.put(jump.label, new Frame<>(frame));
                        } else {
                            there.merge(frame, evaluator);
                        }
                    }
                    if (jump.getOpcode() == Opcodes.GOTO) {
                        frame = null;
                    }
                }
            }
        } catch (AnalyzerException | RuntimeException e) {
            return null; // a stack the loop did not start empty, or a shape this reading does not follow
        }
        if (frame == null || frame.getStackSize() != 0) {
            return null;
        }
        Map<MethodInsnNode, LoopVersion.Grouped> fast = new HashMap<>();
        Map<Map<Integer, Integer>, LoopVersion.Step> steps = new HashMap<>();
        List<LoopVersion.Grouped> grouped = new ArrayList<>();
        for (Map.Entry<AccessSite, AddressForm> access : addresses.entrySet()) {
            LoopVersion.Step step = step(access.getValue(), frame);
            boolean write = access.getKey().kind().write;
            // A store's cards are marked ahead for the chunk: only a known step, and a short one, bounds them.
            if (step == null || write && (!step.fixed()
                    || Math.abs((long) step.constant()) > LoopVersion.STORE_SPAN / LoopVersion.MIN_CHUNK)) {
                continue; // keeps its check
            }
            AddressForm address = access.getValue();
            grouped.add(new LoopVersion.Grouped(access.getKey(), address.terms(), address.constantPart()));
            steps.put(address.terms(), step);
        }
        if (grouped.isEmpty()) {
            return null;
        }
        int chunk = LoopVersion.MAX_CHUNK;
        for (LoopVersion.Grouped access : grouped) {
            long step = Math.abs((long) steps.get(access.terms()).constant());
            if (access.site().kind().write && step > 0) {
                chunk = (int) Math.min(chunk, LoopVersion.STORE_SPAN / step);
            }
        }
        for (LoopVersion.Grouped access : grouped) {
            fast.put(access.site().call(), access);
        }
        return new LoopVersion(head, body, backEdge, fast, steps, chunk);
    }

    /**
     * How far an address moves per iteration, as a form over locals the body never writes: each of its locals
     * that the body writes must end the iteration as itself plus such a form. Null if one does not.
     */
    private static LoopVersion.Step step(AddressForm address, Frame<AddressForm> end) {
        if (!address.known()) {
            return null;
        }
        Map<Integer, Integer> terms = new TreeMap<>();
        int constant = 0;
        for (Map.Entry<Integer, Integer> term : address.terms().entrySet()) {
            AddressForm last = end.getLocal(term.getKey());
            if (last instanceof AddressForm.Entry) {
                continue; // not written: invariant
            }
            if (!last.known() || !Integer.valueOf(1).equals(last.terms().get(term.getKey()))) {
                return null;
            }
            for (Map.Entry<Integer, Integer> by : last.terms().entrySet()) {
                if (by.getKey().equals(term.getKey())) {
                    continue;
                }
                if (!(end.getLocal(by.getKey()) instanceof AddressForm.Entry)) {
                    return null; // steps by a local that changes
                }
                // In 32 bits, as the code computes it: the step is the same modulo 2^32, all the check needs.
                terms.merge(by.getKey(), term.getValue() * by.getValue(), Integer::sum);
            }
            constant += term.getValue() * last.constantPart();
        }
        terms.values().removeIf(coefficient -> coefficient == 0);
        if (terms.isEmpty() && Math.abs((long) constant) > MAX_STEP) {
            return null;
        }
        return new LoopVersion.Step(terms, constant);
    }
}
