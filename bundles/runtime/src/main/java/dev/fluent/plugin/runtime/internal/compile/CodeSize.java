package dev.fluent.plugin.runtime.internal.compile;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

/**
 * Bytes of bytecode a method or an instruction sequence takes, measured by writing it, and the exact lengths a
 * class file holds.
 */
final class CodeSize {

    private CodeSize() {
    }

    static int of(MethodNode method) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "CodeSize", null, "java/lang/Object", null);
        Label end = new Label();
        MethodVisitor visitor = new MethodVisitor(Opcodes.ASM9,
                writer.visitMethod(method.access, method.name, method.desc, null, null)) {
            @Override
            public void visitMaxs(int maxStack, int maxLocals) {
                super.visitLabel(end);
                super.visitMaxs(maxStack, maxLocals);
            }
        };
        method.accept(visitor);
        return end.getOffset();
    }

    /**
     * An upper bound of the bytes {@code list} takes in a generated class: measured in an empty class, plus one
     * byte per {@code ldc}, which becomes {@code ldc_w} past the 256th constant of the class's pool (a generated
     * class's pool is usually that large).
     *
     * @param list instructions only measured: they move into a scratch method
     */
    static int of(InsnList list) {
        int constants = 0;
        for (AbstractInsnNode insn = list.getFirst(); insn != null; insn = insn.getNext()) {
            constants += insn.getOpcode() == Opcodes.LDC ? 1 : 0;
        }
        MethodNode scratch = new MethodNode(Opcodes.ACC_STATIC, "m", "()V", null, null);
        scratch.instructions.add(list);
        return of(scratch) + constants;
    }

    /** The real bytecode length of each method of a class file, by name and descriptor, read from its Code attributes. */
    static java.util.Map<String, Integer> lengths(byte[] classBytes) {
        ClassReader reader = new ClassReader(classBytes);
        char[] buffer = new char[reader.getMaxStringLength()];
        int at = reader.header + 6;
        at += 2 + 2 * reader.readUnsignedShort(at); // interfaces
        at = skipMembers(reader, at); // fields
        java.util.Map<String, Integer> lengths = new java.util.HashMap<>();
        int methods = reader.readUnsignedShort(at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            String name = reader.readUTF8(at + 2, buffer) + reader.readUTF8(at + 4, buffer);
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                if ("Code".equals(reader.readUTF8(at, buffer))) {
                    lengths.put(name, reader.readInt(at + 10));
                }
                at += 6 + reader.readInt(at + 2);
            }
        }
        return lengths;
    }

    private static int skipMembers(ClassReader reader, int at) {
        int count = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                at += 6 + reader.readInt(at + 2);
            }
        }
        return at;
    }
}
