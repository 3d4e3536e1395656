package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The loops' interruption checks as countdowns ({@link LoopCheckSite}): which checks are rewritten, how often the
 * rewritten code really checks, and that an interrupt still ends every endless loop.
 */
class LoopCountdownTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static WasmModule module(String name) throws IOException {
        try (InputStream in = LoopCountdownTest.class.getResourceAsStream(name)) {
            return Parser.parse(in.readAllBytes());
        }
    }

    private static Instance instance(String name) throws IOException {
        WasmModule module = module(name);
        return Instance.builder(module)
                .withMachineFactory(GeneratedClasses.compile(module, new MemoryAccessInliner(false)).load())
                .withMemoryFactory(limits -> new PluginMemory(limits, 4))
                .build();
    }

    private static long call(Instance instance, String export, long... args) {
        long[] result = instance.export(export).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    /** Calls made in each generated function, each noted as a check on a back edge ("loop"), one before a call or other. */
    private static Map<String, Integer> checks(Map<String, byte[]> classes) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (MethodNode method : GeneratedMethods.of(classes)) {
            for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
                if (insn instanceof MethodInsnNode call && call.name.equals("checkInterruption")) {
                    String kind = call.owner.endsWith("Shaded") ? "chicory" : "countdown";
                    boolean backEdge = call.getNext() instanceof JumpInsnNode jump
                            && jump.getOpcode() == Opcodes.GOTO
                            && method.instructions.indexOf(jump.label) < method.instructions.indexOf(call);
                    counts.merge(kind + (backEdge || kind.equals("countdown") ? " on a back edge" : " before a call"),
                            1, Integer::sum);
                }
            }
        }
        return counts;
    }

    @Test
    void makesEveryLoopCheckACountdownAndKeepsTheChecksBeforeCalls() throws IOException {
        WasmModule module = module("loops.wasm");
        Map<String, Integer> chicory = checks(Compiler.builder(module).build().compile().collector().classBytes());
        Map<String, Integer> rewritten = checks(
                GeneratedClasses.compile(module, new MemoryAccessInliner(false)).classes());
        // The module's six loops, five of which count down; table_fill_times's keeps Chicory's check. The checks
        // before calls (call_times's, and the exports' entries) stay.
        assertEquals(6, chicory.get("chicory on a back edge"));
        assertEquals(Map.of("countdown on a back edge", 5, "chicory on a back edge", 1,
                "chicory before a call", chicory.get("chicory before a call")), rewritten);
    }

    @Test
    void leavesTheLoopsOfAModuleWithoutMemoryAsChicoryMadeThem() throws IOException {
        WasmModule module = module("no-memory-loop.wasm");
        GeneratedClasses classes = GeneratedClasses.compile(module, new MemoryAccessInliner(false));
        assertFalse(GeneratedClasses.definesItsMemory(module));
        assertEquals(1, checks(classes.classes()).get("chicory on a back edge"));
        assertFalse(checks(classes.classes()).containsKey("countdown on a back edge"));
        Instance instance = Instance.builder(module).withMachineFactory(classes.load()).build();
        assertEquals(1000, call(instance, "count", 1000));
        Thread.currentThread().interrupt();
        // Chicory's own check: the first back edge of an interrupted thread ends the call.
        assertThrows(ChicoryInterruptedException.class, () -> call(instance, "count", 1));
    }

    @Test
    void refusesToCountDownInAModuleWhoseFunctionsMayReceiveAnotherMemory() throws IOException {
        WasmModule module = module("no-memory-loop.wasm");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GeneratedClasses.compile(module, new MemoryAccessInliner(false), true));
        assertEquals("loop countdowns need a module that defines its memory", e.getMessage());
    }

    @Test
    void checksForInterruptionOnceEveryIntervalOfLoopIterations() throws IOException {
        int interval = PluginMemory.INTERRUPT_INTERVAL;
        Instance within = instance("loops.wasm");
        refill(within);
        Thread.currentThread().interrupt();
        // Interrupted before the call, a loop of fewer back edges than the interval ends normally...
        assertEquals(interval - 1, call(within, "count", interval - 1));
        assertTrue(Thread.interrupted());
        Instance past = instance("loops.wasm");
        refill(past);
        Thread.currentThread().interrupt();
        // ...and the interval's own back edge checks and ends the execution with Chicory's exception.
        ChicoryInterruptedException e = assertThrows(ChicoryInterruptedException.class,
                () -> call(past, "count", interval));
        assertEquals("Thread interrupted", e.getMessage());
        // The check refilled the countdown: an uninterrupted thread runs on through many intervals.
        Thread.interrupted();
        assertEquals(100 * interval, call(past, "count", 100 * interval));
    }

    @Test
    void checksOnTheNextBackEdgeAfterABulkMemoryOperation() throws IOException {
        Instance instance = instance("loops.wasm");
        refill(instance);
        Thread.currentThread().interrupt();
        // A loop without a bulk operation runs on through its back edge...
        assertEquals(1, call(instance, "count", 1));
        assertEquals(0, call(instance, "fill_times", 0));
        // ...one with a memory.fill checks on the back edge right after it.
        assertThrows(ChicoryInterruptedException.class, () -> call(instance, "fill_times", 1));
    }

    /** Where the countdown starts depends on what ran before (instantiation writes memory); a check refills it. */
    private static void refill(Instance instance) {
        ((PluginMemory) instance.memory()).checkInterruption();
    }

    @Test
    void keepsChicorysCheckInALoopOfTableOperations() throws IOException {
        Instance instance = instance("loops.wasm");
        refill(instance);
        Thread.currentThread().interrupt();
        assertEquals(1, call(instance, "count", 1));
        // table.fill's time grows with its operand and the memory does not see it: checked on every back edge.
        assertThrows(ChicoryInterruptedException.class, () -> call(instance, "table_fill_times", 1));
    }

    @Test
    void checksBeforeEveryCallAsChicoryDoes() throws IOException {
        Instance instance = instance("loops.wasm");
        Thread.currentThread().interrupt();
        assertThrows(ChicoryInterruptedException.class, () -> call(instance, "call_times", 1));
    }

    @Test
    void anInterruptEndsEveryEndlessLoop() throws Exception {
        for (String export : new String[] {"spin", "fill_forever"}) {
            Instance instance = instance("loops.wasm");
            CompletableFuture<Thread> started = new CompletableFuture<>();
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread runner = new Thread(() -> {
                started.complete(Thread.currentThread());
                try {
                    call(instance, export);
                    ended.complete(null);
                } catch (Throwable t) {
                    ended.complete(t);
                }
            }, "loop-" + export);
            runner.setDaemon(true);
            runner.start();
            started.get(10, TimeUnit.SECONDS);
            Thread.sleep(100);
            assertFalse(ended.isDone(), export + " ended before it was interrupted");
            runner.interrupt();
            // Generous for a loaded machine: without a check the loop would never end and this would time out.
            Throwable thrown = ended.get(10, TimeUnit.SECONDS);
            assertInstanceOf(ChicoryInterruptedException.class, thrown, export);
        }
    }
}
