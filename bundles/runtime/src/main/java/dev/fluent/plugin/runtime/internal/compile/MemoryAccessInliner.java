package dev.fluent.plugin.runtime.internal.compile;

import dev.fluent.plugin.runtime.internal.abi.MemoryViews;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Rewrites the classes Chicory's compiler generates so that linear-memory loads and stores index the
 * {@code PluginMemory}'s flat array in place, instead of calling a static method that calls the memory through its
 * interface.
 *
 * <p>Why: Chicory emits every {@code i32.load}, {@code f64.store} … as a call to a static method of the
 * module's "Shaded" class, which calls {@code Memory.readInt} … on the instance's memory. Each call site costs
 * the JIT some 70 bytes of its inlining budget (8,000 bytes per compiled method, not settable in product JVMs);
 * in the large methods compilers make of hot loops the budget runs out and the rest of the accesses stay real
 * calls, which is most of the distance between the platform and V8 on memory-heavy code.
 *
 * <p>Each rewritten site ({@link AccessSite} emits the code) keeps every check the call made: the address is
 * compared, unsigned, with the memory's bound (8 bytes short of its end), and a store marks the 1 KiB card it
 * starts in as dirty for the reset. Whatever fails the comparison (an address outside the memory, an access in
 * its last 7 bytes) calls the memory's own method, which traps with the usual error or reads and writes byte by
 * byte. {@code memory.grow}, {@code memory.fill}, {@code memory.copy}, {@code memory.init}, calls and the
 * interruption checks before calls are left as Chicory emits them.
 *
 * <p>Reads and writes of scalar globals go to a local the method fills on entry ({@link GlobalSite}).
 *
 * <p>The interruption check on each loop's back edge becomes a countdown in the memory ({@link LoopCheckSite}
 * says why, and why the deadline still holds), in modules that define their memory: only there is the memory
 * every function receives always a {@code PluginMemory}.
 *
 * <p>A method HotSpot would compile is never grown past its size limit for compilation (8,000 bytes of
 * bytecode) unless the JVM runs with {@code -XX:-DontCompileHugeMethods}: the sites past the budget keep their
 * calls. A class that cannot be written (a method past the JVM's 64 KB limit) is kept as Chicory made it.
 */
public final class MemoryAccessInliner {

    /** HotSpot's {@code HugeMethodLimit}: larger methods are not compiled under {@code DontCompileHugeMethods}. */
    static final int HUGE_METHOD_LIMIT = 8000;
    /** The JVM's limit on a method's bytecode, less room for the long jumps ASM may need. */
    static final int METHOD_LIMIT = 60_000;

    static final String MEMORY = "dev/fluent/plugin/runtime/internal/abi/PluginMemory";
    static final String CHICORY_MEMORY = "com/dylibso/chicory/runtime/Memory";

    private final boolean hugeMethodsCompiled;

    /** @param hugeMethodsCompiled whether this JVM compiles methods above {@link #HUGE_METHOD_LIMIT} */
    public MemoryAccessInliner(boolean hugeMethodsCompiled) {
        this.hugeMethodsCompiled = hugeMethodsCompiled;
    }

    /** The inliner for this JVM: whether it compiles huge methods is read from its command line. */
    public static MemoryAccessInliner forThisJvm() {
        List<String> options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        return new MemoryAccessInliner(options.contains("-XX:-DontCompileHugeMethods"));
    }

    /** What the rewrite's output depends on besides its own code, for the compile cache's key. */
    public String mode() {
        return (hugeMethodsCompiled ? "huge-methods-compiled" : "huge-methods-interpreted")
                + (MemoryViews.UNSAFE != null ? "" : ",accesses-as-calls");
    }

    /** Statistics of one rewrite, for the tests and the benchmarks. */
    public record Outcome(byte[] bytes, int inlined, int kept, int countdowns, int operators, int globals,
            int versions) {
    }

    /**
     * Rewrites every class but the module's "Shaded" class (whose methods stay for what is not
     * rewritten), keeping the map's order.
     *
     * @param countdowns whether loops' interruption checks become countdowns: only for a module that defines its
     *     memory (the platform's memory factory then makes it), never for one without or with an imported one
     */
    public Map<String, byte[]> rewriteAll(Map<String, byte[]> classes, Map<String, byte[]> into, boolean countdowns) {
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            into.put(e.getKey(),
                    e.getKey().endsWith("Shaded") ? e.getValue() : rewrite(e.getValue(), countdowns).bytes());
        }
        return into;
    }

    /** Rewrites the memory accesses and loop checks of one generated class of a module that defines its memory. */
    public Outcome rewrite(byte[] classBytes) {
        return rewrite(classBytes, true);
    }

    /**
     * Rewrites the memory accesses (and, if asked, the loop checks) of one generated class; a class without any
     * is returned as it is.
     */
    public Outcome rewrite(byte[] classBytes, boolean countdowns) {
        Map<String, Integer> before = CodeSize.lengths(classBytes);
        Map<String, Integer> margins = new HashMap<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            ClassNode node = new ClassNode();
            new ClassReader(classBytes).accept(node, ClassReader.SKIP_FRAMES);
            int inlined = 0;
            int kept = 0;
            int loopChecks = 0;
            int operators = 0;
            int globals = 0;
            int versions = 0;
            String generatedPackage = node.name.substring(0, node.name.lastIndexOf('/') + 1);
            for (MethodNode method : node.methods) {
                String key = method.name + method.desc;
                boolean counted = countdowns && LoopCheckSite.boundedBetweenChecks(method, generatedPackage);
                int[] counts = rewrite(method, before.getOrDefault(key, 0), margins.getOrDefault(key, 0), counted);
                inlined += counts[0];
                kept += counts[1];
                loopChecks += counts[2];
                operators += counts[3];
                globals += counts[4];
                versions += counts[5];
            }
            if (inlined == 0 && loopChecks == 0 && operators == 0 && globals == 0 && versions == 0) {
                return new Outcome(classBytes, 0, kept, 0, 0, 0, 0);
            }
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
            byte[] written;
            try {
                node.accept(writer);
                written = writer.toByteArray();
            } catch (MethodTooLargeException e) {
                margins.merge(e.getMethodName() + e.getDescriptor(), 4096, Integer::sum);
                continue;
            } catch (RuntimeException e) {
                // ASM could not compute the frames (a type it cannot load): Chicory's class is correct as it is.
                return new Outcome(classBytes, 0, countSites(classBytes), 0, 0, 0, 0);
            }
            // Checked on the written class, not trusted to the estimate: a method pushed past HotSpot's limit
            // would run interpreted. One that is, is rewritten again with that much less room.
            boolean over = false;
            for (Map.Entry<String, Integer> after : CodeSize.lengths(written).entrySet()) {
                int excess = after.getValue() - limit(before.getOrDefault(after.getKey(), 0));
                if (excess > 0) {
                    margins.merge(after.getKey(), excess + 64, Integer::sum);
                    over = true;
                }
            }
            if (!over) {
                return new Outcome(written, inlined, kept, loopChecks, operators, globals, versions);
            }
        }
        // Chicory's class is correct, only slower.
        return new Outcome(classBytes, 0, countSites(classBytes), 0, 0, 0, 0);
    }

    /** The most bytecode a method of this size before the rewrite may have after it. */
    private int limit(int originalSize) {
        if (originalSize > METHOD_LIMIT) {
            return originalSize;
        }
        return originalSize <= HUGE_METHOD_LIMIT && !hugeMethodsCompiled ? HUGE_METHOD_LIMIT : METHOD_LIMIT;
    }

    /**
     * @param size the method's bytecode length as the class file holds it
     * @param countdowns whether the method's loop checks become countdowns
     * @return the sites inlined, the sites kept as calls, the loop checks made countdowns, the operator helpers
     *     inlined, and the global accesses rewritten
     */
    private int[] rewrite(MethodNode method, int size, int margin, boolean countdowns) {
        List<AccessSite> sites = new ArrayList<>();
        List<LoopCheckSite> loops = new ArrayList<>();
        // The memory the method receives, the same one throughout: the rewritten method reads it once.
        int memorySlot = memoryParameter(method);
        AccessSite.Locals locals = AccessSite.Locals.after(method.maxLocals);
        // A margin under the limit: sizes are measured site by site, and a jump's width can depend on the whole.
        int limit = limit(size) - 64 - margin;
        int[] budget = {size};
        int versioned = 0;
        if (countdowns && memorySlot >= 0 && MemoryViews.UNSAFE != null) {
            versioned = LoopVersion.versionAll(method, memorySlot, locals, budget, limit);
        }
        List<OperatorSite> operators = new ArrayList<>();
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            OperatorSite operator = OperatorSite.match(insn);
            if (operator != null) {
                operators.add(operator);
            }
            if (memorySlot < 0) {
                continue;
            }
            AccessSite site = AccessSite.match(insn);
            // Without the unchecked accessors (a big-endian JVM) the accesses stay calls: a view's would be calls too.
            if (site != null && site.memorySlot() == memorySlot && MemoryViews.UNSAFE != null) {
                sites.add(site);
            }
            LoopCheckSite loop = countdowns ? LoopCheckSite.match(method, insn) : null;
            if (loop != null) {
                loops.add(loop);
            }
        }
        int total = countSites(method);
        int instanceSlot = parameterSlot(method, GlobalSite.INSTANCE);
        if (sites.isEmpty() && loops.isEmpty() && operators.isEmpty() && instanceSlot < 0) {
            return new int[] {0, total, 0, 0, 0, 0};
        }
        size = budget[0];
        List<MethodInsnNode> refreshes = new ArrayList<>();
        List<LabelNode> handlers = new ArrayList<>();
        boolean counting = !loops.isEmpty();
        if (!sites.isEmpty() || !loops.isEmpty()) {
            size += CodeSize.of(prologue(memorySlot, locals, counting));
            for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
                if (insn instanceof MethodInsnNode call && mayChangeTables(call)) {
                    refreshes.add(call);
                }
            }
            for (TryCatchBlockNode block : method.tryCatchBlocks) {
                if (!handlers.contains(block.handler)) {
                    handlers.add(block.handler);
                }
            }
            size += (refreshes.size() + handlers.size()) * CodeSize.of(refresh(locals, counting));
        }
        budget[0] = size;
        // Loops first: few, and each one's check runs on every iteration. Operators last: each costs a few
        // bytes where an access or a loop check saves more.
        int counted = RewriteSite.replaceWithin(loops, method.instructions, locals, budget, limit);
        int inlined = RewriteSite.replaceWithin(sites, method.instructions, locals, budget, limit);
        int expanded = RewriteSite.replaceWithin(operators, method.instructions, locals, budget, limit);
        int globals = instanceSlot < 0 ? 0 : GlobalSite.rewrite(method, instanceSlot, locals.end(), budget, limit);
        if (inlined > 0 || counted > 0 || versioned > 0) {
            for (MethodInsnNode call : refreshes) {
                method.instructions.insert(call, refresh(locals, counting));
            }
            for (LabelNode handler : handlers) {
                // The handler starts with the exception alone on the stack; the refresh leaves it there.
                method.instructions.insert(handler, refresh(locals, counting));
            }
            method.instructions.insert(prologue(memorySlot, locals, counting));
        }
        if (inlined > 0 || counted > 0 || expanded > 0 || versioned > 0) {
            method.maxLocals = Math.max(method.maxLocals, locals.end());
        }
        return new int[] {inlined, total - inlined, counted, expanded, globals, versioned};
    }

    /** The local slot of the method's {@code Memory} parameter, or -1 if it takes none. */
    private static int memoryParameter(MethodNode method) {
        return parameterSlot(method, CHICORY_MEMORY);
    }

    /** The local slot of the method's first parameter of class {@code internalName}, or -1 if it takes none. */
    static int parameterSlot(MethodNode method, String internalName) {
        int slot = (method.access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
        for (Type parameter : Type.getArgumentTypes(method.desc)) {
            if (parameter.getSort() == Type.OBJECT && parameter.getInternalName().equals(internalName)) {
                return slot;
            }
            slot += parameter.getSize();
        }
        return -1;
    }

    /**
     * Reads the memory parameter once, as the platform's memory class (every instance's memory is one), and fills
     * the loops' countdown if the method has one.
     */
    private static InsnList prologue(int memorySlot, AccessSite.Locals locals, boolean counting) {
        InsnList list = new InsnList();
        list.add(new VarInsnNode(Opcodes.ALOAD, memorySlot));
        list.add(new TypeInsnNode(Opcodes.CHECKCAST, MEMORY));
        list.add(new VarInsnNode(Opcodes.ASTORE, locals.memory()));
        list.add(refresh(locals, false));
        if (counting) {
            list.add(LoopCheckSite.start(locals));
        }
        return list;
    }

    /**
     * Copies the memory's array, its cards and its bound into locals, which the accesses read: a local is a
     * register to the JIT, where a field has to be read again after every call on a checked path. They change only
     * on a grow within an execution (a reset or snapshot comes between executions), which replaces the array with
     * a larger copy; so they are read again after every call that may grow the memory, and at the start of every
     * exception handler, which a call that grew the memory may have thrown to. A stale array would lose writes:
     * no path from a grow to an access may miss a refresh.
     */
    private static InsnList refresh(AccessSite.Locals locals, boolean counting) {
        InsnList list = new InsnList();
        if (counting) {
            // The same calls are the ones whose time the loops' countdown cannot see.
            list.add(LoopCheckSite.empty(locals));
        }
        list.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        list.add(new FieldInsnNode(Opcodes.GETFIELD, MEMORY, "flat", "[B"));
        list.add(new VarInsnNode(Opcodes.ASTORE, locals.flat()));
        list.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        list.add(new FieldInsnNode(Opcodes.GETFIELD, MEMORY, "cards", "[B"));
        list.add(new VarInsnNode(Opcodes.ASTORE, locals.cards()));
        list.add(new VarInsnNode(Opcodes.ALOAD, locals.memory()));
        list.add(new FieldInsnNode(Opcodes.GETFIELD, MEMORY, "bound", "J"));
        list.add(new VarInsnNode(Opcodes.LSTORE, locals.bound()));
        return list;
    }

    /**
     * Whether a call of the original method may grow the memory (so the locals {@link #refresh} sets are read
     * again after it): anything but Chicory's arithmetic helpers, its scalar memory accesses and global reads,
     * and the interruption check. Scalar accesses change at most a card mark, never the array.
     */
    private static boolean mayChangeTables(MethodInsnNode call) {
        String owner = call.owner;
        if (owner.equals(MEMORY) || owner.equals("sun/misc/Unsafe")) {
            // What the rewrite itself calls: the checked paths, the interruption check, card marks, and the
            // accesses of a versioned loop's fast copy (LoopVersion), there before this runs.
            return false;
        }
        if (owner.equals("com/dylibso/chicory/runtime/OpcodeImpl")) {
            return call.name.startsWith("TABLE_");
        }
        if (owner.startsWith("java/lang/") && (owner.equals("java/lang/Math") || owner.equals("java/lang/Float")
                || owner.equals("java/lang/Double") || owner.equals("java/lang/Integer")
                || owner.equals("java/lang/Long"))) {
            return false;
        }
        if (owner.endsWith("Shaded")) {
            String name = call.name;
            return !(name.startsWith("memoryRead") || name.startsWith("memoryWrite") || name.equals("checkInterruption")
                    || name.equals("readGlobal") || name.equals("writeGlobal") || name.equals("memoryPages"));
        }
        return true;
    }

    private static int countSites(byte[] classBytes) {
        ClassNode node = new ClassNode();
        new ClassReader(classBytes).accept(node, ClassReader.SKIP_FRAMES);
        return node.methods.stream().mapToInt(MemoryAccessInliner::countSites).sum();
    }

    private static int countSites(MethodNode method) {
        int n = 0;
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof MethodInsnNode call && AccessSite.Kind.of(call) != null) {
                n++;
            }
        }
        return n;
    }

    /** The int constant an instruction pushes, or null if it pushes none. */
    static Integer intConstant(AbstractInsnNode insn) {
        int op = insn.getOpcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return op - Opcodes.ICONST_0;
        }
        if ((op == Opcodes.BIPUSH || op == Opcodes.SIPUSH) && insn instanceof IntInsnNode push) {
            return push.operand;
        }
        if (op == Opcodes.LDC && insn instanceof LdcInsnNode ldc && ldc.cst instanceof Integer value) {
            return value;
        }
        return null;
    }

    /** Pushes an int constant in the fewest bytes. */
    static AbstractInsnNode pushInt(int value) {
        if (value >= -1 && value <= 5) {
            return new InsnNode(Opcodes.ICONST_0 + value);
        }
        if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            return new IntInsnNode(Opcodes.BIPUSH, value);
        }
        if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            return new IntInsnNode(Opcodes.SIPUSH, value);
        }
        return new LdcInsnNode(value);
    }
}
