package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Loops run a chunk at a time without per-access checks ({@link LoopVersion}, versioned-loops.wat): which loops
 * qualify, and that the versioned code answers, traps, marks its writes for the reset and ends on an interrupt
 * exactly as Chicory's own code and the checked rewrite do, wherever the loop's addresses start, however far they
 * run and whichever way they step, up to the memory's end and across the 32-bit wrap.
 */
class LoopVersionTest {

    private static final int PAGE = 65_536;
    private static final int MEMORY_BYTES = 2 * PAGE;
    private static WasmModule module;
    private static Function<Instance, Machine> versioned;
    private static Function<Instance, Machine> original;

    @BeforeAll
    static void compile() throws IOException {
        try (InputStream in = LoopVersionTest.class.getResourceAsStream("versioned-loops.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        versioned = GeneratedClasses.compile(module, new MemoryAccessInliner(false)).load();
        original = MachineFactoryCompiler.compile(module);
    }

    private static Instance instance(Function<Instance, Machine> machine) {
        return Instance.builder(module).withMachineFactory(machine)
                .withMemoryFactory(limits -> new PluginMemory(limits, 4)).build();
    }

    private static String outcome(Instance instance, String export, long... args) {
        try {
            long[] result = instance.export(export).apply(args);
            return "= " + (result == null || result.length == 0 ? "" : result[0]);
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void versionsTheLoopsWhoseAddressesStepByAConstant() {
        Map<String, Integer> versions = new TreeMap<>();
        Map<String, byte[]> classes = Compiler.builder(module).build().compile().collector().classBytes();
        for (var generated : classes.entrySet()) {
            if (generated.getKey().endsWith("Shaded")) {
                continue;
            }
            ClassNode node = new ClassNode();
            new ClassReader(generated.getValue()).accept(node, ClassReader.SKIP_FRAMES);
            for (MethodNode method : node.methods) {
                String export = exportOf(method.name);
                int memory = MemoryAccessInliner.parameterSlot(method, MemoryAccessInliner.CHICORY_MEMORY);
                if (export == null || memory < 0) {
                    continue;
                }
                versions.put(export, LoopVersion.versionAll(method, memory,
                        AccessSite.Locals.after(method.maxLocals), new int[] {0}, 60_000));
            }
        }
        assertEquals(Map.ofEntries(Map.entry("fill_up", 1), Map.entry("fill_down", 1), Map.entry("sum64", 1),
                Map.entry("axpy", 1), Map.entry("scaled", 1), Map.entry("down", 1), Map.entry("wrap", 1),
                Map.entry("forever", 1), Map.entry("sum_by", 1), Map.entry("column", 1), Map.entry("clamp", 1),
                Map.entry("sometimes", 1), Map.entry("uneven", 0), Map.entry("fill_by", 0), Map.entry("chase", 0),
                Map.entry("far_stores", 0)),
                versions);
    }

    /** The export of a generated method {@code func_<index>}, or null. */
    private static String exportOf(String methodName) {
        if (!methodName.startsWith("func_")) {
            return null;
        }
        int index = Integer.parseInt(methodName.substring(5));
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export export = module.exportSection().getExport(i);
            if (export.exportType() == ExternalType.FUNCTION && export.index() == index) {
                return export.name();
            }
        }
        return null;
    }

    @Test
    void answersTrapsAndWritesAsChicorysOwnCodeWhereverTheLoopRuns() {
        Random random = new Random(20261206);
        Instance fast = instance(versioned);
        Instance reference = instance(original);
        PluginMemory fastMemory = (PluginMemory) fast.memory();
        PluginMemory referenceMemory = (PluginMemory) reference.memory();
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 600; round++) {
            byte[] contents = new byte[MEMORY_BYTES];
            random.nextBytes(contents);
            fastMemory.write(0, contents);
            referenceMemory.write(0, contents);
            long[] args = arguments(random, round % CALLS.length);
            String export = CALLS[round % CALLS.length];
            String expected = outcome(reference, export, args);
            assertEquals(expected, outcome(fast, export, args), export + " " + java.util.Arrays.toString(args));
            assertArrayEquals(referenceMemory.readBytes(0, MEMORY_BYTES), fastMemory.readBytes(0, MEMORY_BYTES),
                    export + " " + java.util.Arrays.toString(args));
            outcomes.add(expected);
        }
        assertTrue(outcomes.stream().anyMatch(o -> o.contains("out of bounds memory access")), outcomes.toString());
        assertTrue(outcomes.stream().filter(o -> o.startsWith("= ")).count() > 100, outcomes.toString());
        assertTrue(outcomes.stream().noneMatch(o -> o.contains("IndexOutOfBounds") || o.contains("NullPointer")),
                outcomes.toString());
    }

    private static final String[] CALLS = {"fill_up", "fill_down", "fill_by", "sum64", "axpy", "scaled", "down",
        "wrap", "chase", "far_stores", "sum_by", "column", "clamp", "sometimes", "uneven"};

    /** Steps up and down, none, past the memory, and ones the code means as negative or that wrap. */
    private static final long[] STRIDES = {4, -4, 8, -8, 0, 1, 4096, -4096, 65_536, 0x7FFF_FFFFL, 0x8000_0000L,
        0xFFFF_FFF8L, 0x1_0000_0004L};

    /** Starts near zero, inside, at and past the end, and near 2 GiB and 4 GiB; runs of a few to many steps. */
    private static long[] arguments(Random random, int call) {
        long[] starts = {0, 1, 3, 8, 15, 16, random.nextInt(MEMORY_BYTES), random.nextInt(MEMORY_BYTES),
            MEMORY_BYTES - 1 - random.nextInt(16), MEMORY_BYTES - random.nextInt(5000), MEMORY_BYTES,
            MEMORY_BYTES + 8, 0x7FFF_FFF8L, 0x8000_0000L, 0xFFFF_FFF0L + random.nextInt(16), 0xFFFF_FFFFL};
        long start = starts[random.nextInt(starts.length)] & ~(random.nextBoolean() ? 7L : 0L);
        int[] runs = {1, 2, 15, 16, 17, 255, 256, 257, 1 + random.nextInt(4000), 2 + random.nextInt(40_000)};
        long n = runs[random.nextInt(runs.length)];
        long value = random.nextLong();
        return switch (CALLS[call]) {
            case "fill_by" -> new long[] {start, new long[] {4, -4, 8, 0, 4096}[random.nextInt(5)], n, value};
            case "sum_by" -> new long[] {start, STRIDES[random.nextInt(STRIDES.length)], n};
            case "column" -> new long[] {start, new long[] {1, 2, 25, 200, -1, 0, 0x1000_0000L, 0x2000_0000L,
                random.nextInt(70_000)}[random.nextInt(9)], n};
            case "sum64", "scaled", "wrap", "chase", "far_stores", "uneven" -> new long[] {start, n};
            case "clamp" -> new long[] {start, n, random.nextInt()};
            case "sometimes" -> new long[] {start, random.nextInt(MEMORY_BYTES), n};
            case "axpy" -> new long[] {start, random.nextInt(MEMORY_BYTES), n + (n & 1),
                Double.doubleToRawLongBits(0.5)};
            default -> new long[] {start, n, value};
        };
    }

    @Test
    void aResetUndoesEveryWriteOfAVersionedLoop() {
        Random random = new Random(7);
        Instance fast = instance(versioned);
        PluginMemory memory = (PluginMemory) fast.memory();
        byte[] before = new byte[MEMORY_BYTES];
        random.nextBytes(before);
        memory.write(0, before);
        memory.snapshot();
        for (int round = 0; round < 200; round++) {
            int call = new int[] {0, 1, 4, 5, 6, 12}[round % 6];
            outcome(fast, CALLS[call], arguments(random, call));
            memory.reset();
            assertArrayEquals(before, memory.readBytes(0, MEMORY_BYTES), "after " + CALLS[call]);
        }
    }

    @Test
    void anInterruptEndsAVersionedLoopThatNeverEnds() throws Exception {
        Instance instance = instance(versioned);
        CompletableFuture<Thread> started = new CompletableFuture<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            started.complete(Thread.currentThread());
            try {
                instance.export("forever").apply(64);
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        }, "versioned-forever");
        runner.setDaemon(true);
        runner.start();
        started.get(10, TimeUnit.SECONDS);
        Thread.sleep(100);
        assertFalse(ended.isDone(), "the loop ended before it was interrupted");
        runner.interrupt();
        Throwable thrown = ended.get(10, TimeUnit.SECONDS);
        assertInstanceOf(ChicoryInterruptedException.class, thrown);
        assertTrue(((PluginMemory) instance.memory()).readInt(64) != 0);
    }
}
