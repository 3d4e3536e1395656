package dev.fluent.plugin.runtime.internal.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/** The methods of a module's generated classes but its Shaded class (whose helpers the rewrite leaves alone). */
final class GeneratedMethods {

    private GeneratedMethods() {
    }

    static List<MethodNode> of(Map<String, byte[]> classes) {
        List<MethodNode> methods = new ArrayList<>();
        for (var e : classes.entrySet()) {
            if (!e.getKey().endsWith("Shaded")) {
                ClassNode node = new ClassNode();
                new ClassReader(e.getValue()).accept(node, 0);
                methods.addAll(node.methods);
            }
        }
        return methods;
    }
}
