package dev.fluent.plugin.runtime.internal.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The rewrite never grows a method HotSpot would compile past the size at which it stops compiling it. */
class MemoryAccessBudgetTest {

    private static final String MEMORY_DESC = "Lcom/dylibso/chicory/runtime/Memory;";

    /** A class shaped like Chicory's: {@code static int f(int base, Memory m, Instance i)} summing n loads. */
    private static byte[] generated(int loads) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, "gen/CompiledMachineFuncGroup_0", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "func_0",
                "(I" + MEMORY_DESC + "Lcom/dylibso/chicory/runtime/Instance;)I", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.ICONST_0);
        for (int i = 0; i < loads; i++) {
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitIntInsn(Opcodes.SIPUSH, 8 * i);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "gen/CompiledMachineShaded", "memoryReadInt",
                    "(II" + MEMORY_DESC + ")I", false);
            mv.visitInsn(Opcodes.IADD);
        }
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static int size(byte[] classBytes) {
        return CodeSize.lengths(classBytes).get("func_0(I" + MEMORY_DESC + "Lcom/dylibso/chicory/runtime/Instance;)I");
    }

    @Test
    void measuresTheCodeOfAMethodAsTheClassFileHoldsIt() {
        // Per load: iload_0 (1), sipush (3), aload_1 (1), invokestatic (3), iadd (1); iconst_0 and ireturn.
        assertEquals(2 + 9 * 300, size(generated(300)));
    }

    @Test
    void inlinesEverySiteOfASmallMethod() {
        MemoryAccessInliner.Outcome out = new MemoryAccessInliner(false).rewrite(generated(20));
        assertEquals(20, out.inlined());
        assertEquals(0, out.kept());
    }

    @Test
    void keepsAMethodHotSpotCompilesUnderItsHugeMethodLimit() {
        byte[] original = generated(700);
        assertTrue(size(original) < MemoryAccessInliner.HUGE_METHOD_LIMIT, "the fixture starts below the limit");
        MemoryAccessInliner.Outcome out = new MemoryAccessInliner(false).rewrite(original);
        assertTrue(out.inlined() > 10 && out.kept() > 0, out.inlined() + " inlined, " + out.kept() + " kept");
        assertTrue(size(out.bytes()) <= MemoryAccessInliner.HUGE_METHOD_LIMIT, "size " + size(out.bytes()));
    }

    @Test
    void inlinesPastTheLimitWhenTheJvmCompilesHugeMethods() {
        MemoryAccessInliner.Outcome out = new MemoryAccessInliner(true).rewrite(generated(500));
        assertEquals(500, out.inlined());
        assertTrue(size(out.bytes()) > MemoryAccessInliner.HUGE_METHOD_LIMIT);
    }

    @Test
    void keepsTheCallsWhereTheMethodWouldPassTheJvmLimit() {
        MemoryAccessInliner.Outcome out = new MemoryAccessInliner(true).rewrite(generated(5000));
        assertTrue(out.kept() > 0 && out.inlined() > 0, out.inlined() + " inlined, " + out.kept() + " kept");
        assertTrue(size(out.bytes()) <= 65_535);
    }
}
