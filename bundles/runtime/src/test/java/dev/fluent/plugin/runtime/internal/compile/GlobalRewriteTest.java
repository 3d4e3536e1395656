package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Value;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Global reads and writes rewritten to a look-up on entry (globals.wat: imported and defined globals of every
 * scalar type, in loops and recursion) answer what Chicory's own code answers, and reach the same global objects:
 * an imported global is the importer's object, written through.
 */
class GlobalRewriteTest {

    private static WasmModule module;
    private static GeneratedClasses rewritten;

    @BeforeAll
    static void compile() throws IOException {
        try (InputStream in = GlobalRewriteTest.class.getResourceAsStream("globals.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        rewritten = GeneratedClasses.compile(module, new MemoryAccessInliner(false));
    }

    private static Instance instance(Function<Instance, Machine> machine, GlobalInstance shared) {
        ImportValues imports = ImportValues.builder()
                .addGlobal(new ImportGlobal("env", "shared", shared),
                        new ImportGlobal("env", "fixed", new GlobalInstance(Value.i32(11), MutabilityType.Const)))
                .build();
        return Instance.builder(module).withImportValues(imports).withMachineFactory(machine)
                .withMemoryFactory(limits -> new PluginMemory(limits, 4)).build();
    }

    private static long call(Instance instance, String export, long... args) {
        long[] result = instance.export(export).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    @Test
    void leavesNoGlobalHelperCalled() {
        List<String> chicorys = helperCalls(Compiler.builder(module).build().compile().collector().classBytes());
        assertTrue(chicorys.size() >= 12, "Chicory's own code calls the helpers: " + chicorys);
        List<String> remaining = helperCalls(rewritten.classes());
        assertTrue(remaining.isEmpty(), "global helpers still called: " + remaining);
    }

    private static List<String> helperCalls(java.util.Map<String, byte[]> classes) {
        List<String> calls = new ArrayList<>();
        for (MethodNode m : GeneratedMethods.of(classes)) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.endsWith("Shaded")
                        && (call.name.equals("readGlobal") || call.name.equals("writeGlobal"))) {
                    calls.add(m.name + " " + call.name);
                }
            }
        }
        return calls;
    }

    @Test
    void answersAsChicorysCodeDoesAndWritesThroughToImports() {
        GlobalInstance expectedShared = new GlobalInstance(Value.i64(5), MutabilityType.Var);
        GlobalInstance actualShared = new GlobalInstance(Value.i64(5), MutabilityType.Var);
        Instance expected = instance(MachineFactoryCompiler.compile(module), expectedShared);
        Instance actual = instance(rewritten.load(), actualShared);
        for (int round = 0; round < 3; round++) {
            for (String export : new String[] {"down", "accumulate", "floats"}) {
                for (long n : new long[] {0, 1, 7, 100}) {
                    assertEquals(call(expected, export, n), call(actual, export, n), export + "(" + n + ")");
                }
            }
            assertEquals(call(expected, "sp"), call(actual, "sp"));
            assertEquals(call(expected, "shared"), call(actual, "shared"));
        }
        assertEquals(4096, call(actual, "sp"), "the stack pointer is back where it started");
        assertEquals(5 + 3 * (0 + 1 + 7 + 100), actualShared.getValue(), "the importer's object was written");
        assertEquals(expectedShared.getValue(), actualShared.getValue());
        // A value set from outside, as the platform's reset does, is what the code reads next.
        actual.global(2).setValue(8192);
        assertEquals(8192, call(actual, "sp"));
    }
}
