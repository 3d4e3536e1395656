package dev.fluent.plugin.runtime.internal.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * One read or write of a scalar global in a generated method, Chicory's {@code <index>; aload <instance>;
 * invokestatic <Shaded>.readGlobal(index, instance)} (or {@code writeGlobal(value, index, instance)}), and the
 * field access through a local {@link MemoryAccessInliner} puts in its place.
 *
 * <p>Why: each access looked its global up again, {@code Instance.global(index)}: the count of imported globals,
 * two array bounds and the element, then the value; compilers' functions read and write their stack pointer, a
 * global, on entry and exit, and the look-up took 3–4 % of the JSON kernel's profile samples. An instance's
 * global objects are made when it is initialized and never replaced (a reset sets their values), so a rewritten
 * method looks each global it uses up once, on entry, into a local; an access reads or writes that object's
 * value. An imported global is the importer's own object: writes reach it.
 */
final class GlobalSite implements RewriteSite {

    static final String INSTANCE = "com/dylibso/chicory/runtime/Instance";
    private static final String GLOBAL = "com/dylibso/chicory/runtime/GlobalInstance";
    private static final String READ_DESC = "(IL" + INSTANCE + ";)J";
    private static final String WRITE_DESC = "(JIL" + INSTANCE + ";)V";

    private final AbstractInsnNode indexPush;
    private final VarInsnNode instanceLoad;
    private final MethodInsnNode call;
    private final boolean write;
    /** The local that holds this site's global, once the method's globals are numbered. */
    private int slot = -1;

    private GlobalSite(AbstractInsnNode indexPush, VarInsnNode instanceLoad, MethodInsnNode call, boolean write) {
        this.indexPush = indexPush;
        this.instanceLoad = instanceLoad;
        this.call = call;
        this.write = write;
    }

    /** The global access whose call is {@code insn}, with a constant index and the method's instance; else null. */
    static GlobalSite match(AbstractInsnNode insn, int instanceSlot) {
        if (!(insn instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKESTATIC
                || !call.owner.endsWith("Shaded")) {
            return null;
        }
        boolean write = call.name.equals("writeGlobal") && call.desc.equals(WRITE_DESC);
        if (!write && !(call.name.equals("readGlobal") && call.desc.equals(READ_DESC))) {
            return null;
        }
        if (!(call.getPrevious() instanceof VarInsnNode load) || load.getOpcode() != Opcodes.ALOAD
                || load.var != instanceSlot) {
            return null;
        }
        AbstractInsnNode push = load.getPrevious();
        Integer index = push == null ? null : MemoryAccessInliner.intConstant(push);
        return index == null || index < 0 ? null : new GlobalSite(push, load, call, write);
    }

    int index() {
        return MemoryAccessInliner.intConstant(indexPush);
    }

    /** Bytes of {@code <index>; aload; invokestatic} at the least. */
    @Override
    public int originalSize() {
        return 1 + 1 + 3;
    }

    /** A read pushes the global's value; a write takes the value under the global and stores it. */
    @Override
    public InsnList emit(AccessSite.Locals locals) {
        InsnList code = new InsnList();
        code.add(new VarInsnNode(Opcodes.ALOAD, slot));
        if (write) {
            code.add(new InsnNode(Opcodes.DUP_X2));
            code.add(new InsnNode(Opcodes.POP));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, GLOBAL, "setValue", "(J)V", false));
        } else {
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, GLOBAL, "getValue", "()J", false));
        }
        return code;
    }

    @Override
    public void replace(InsnList instructions, InsnList replacement) {
        instructions.insert(call, replacement);
        instructions.remove(indexPush);
        instructions.remove(instanceLoad);
        instructions.remove(call);
    }

    /**
     * Rewrites the method's global accesses, each global looked up once on entry into a local from {@code
     * firstSlot} on, if the method stays within {@code limit} bytes (counted from {@code size[0]}, which it
     * advances): all of them or none.
     *
     * @return the accesses rewritten; the method's {@code maxLocals} covers the new locals
     */
    static int rewrite(MethodNode method, int instanceSlot, int firstSlot, int[] size, int limit) {
        List<GlobalSite> sites = new ArrayList<>();
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof VarInsnNode store && store.getOpcode() == Opcodes.ASTORE && store.var == instanceSlot) {
                return 0; // not Chicory's shape: the instance is always its parameter
            }
            GlobalSite site = match(insn, instanceSlot);
            if (site != null) {
                sites.add(site);
            }
        }
        if (sites.isEmpty()) {
            return 0;
        }
        Map<Integer, Integer> slots = new LinkedHashMap<>();
        for (GlobalSite site : sites) {
            site.slot = slots.computeIfAbsent(site.index(), i -> firstSlot + slots.size());
        }
        InsnList lookUps = lookUps(slots, instanceSlot);
        int grows = CodeSize.of(lookUps(slots, instanceSlot));
        for (GlobalSite site : sites) {
            grows += CodeSize.of(site.emit(null)) - site.originalSize();
        }
        if (size[0] + grows > limit) {
            return 0;
        }
        size[0] += grows;
        for (GlobalSite site : sites) {
            site.replace(method.instructions, site.emit(null));
        }
        method.instructions.insert(lookUps);
        method.maxLocals = Math.max(method.maxLocals, firstSlot + slots.size());
        return sites.size();
    }

    /** {@code GlobalInstance g<i> = instance.global(i)} for each global the method uses. */
    private static InsnList lookUps(Map<Integer, Integer> slots, int instanceSlot) {
        InsnList code = new InsnList();
        for (Map.Entry<Integer, Integer> global : slots.entrySet()) {
            code.add(new VarInsnNode(Opcodes.ALOAD, instanceSlot));
            code.add(MemoryAccessInliner.pushInt(global.getKey()));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, INSTANCE, "global", "(I)L" + GLOBAL + ";", false));
            code.add(new VarInsnNode(Opcodes.ASTORE, global.getValue()));
        }
        return code;
    }
}
