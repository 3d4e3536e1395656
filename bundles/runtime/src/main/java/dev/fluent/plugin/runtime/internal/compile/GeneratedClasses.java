package dev.fluent.plugin.runtime.internal.compile;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ClassCollector;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The classes of one compiled module: made by Chicory's compiler, rewritten by the {@link MemoryAccessInliner},
 * stored in the compile cache as they are loaded, and defined in a class loader of their own.
 *
 * <p>They are defined by Chicory's own loader, whose parent is the loader of Chicory's classes: inside OSGi
 * the runtime bundle, where Chicory lives privately. So the rewritten code sees exactly the classes this bundle
 * sees, {@code abi.PluginMemory} and {@code abi.MemoryViews} included.
 *
 * <p>A function too large for one JVM method (64 KB of bytecode) is left to Chicory's interpreter, called from
 * the compiled code; {@link #interpreted()} names such functions. The interpreter of Chicory 1.7.5 does not
 * check for interruption on every loop, so every instance the platform makes carries an execution listener
 * that does ({@code execute.InterruptGuard}): the deadline holds there too.
 *
 * @param mainClass the machine class, the entry point
 * @param classes every class by name, in the order Chicory made them (the order they are defined in)
 * @param interpreted the indexes of the functions run by the interpreter
 */
public record GeneratedClasses(String mainClass, Map<String, byte[]> classes, Set<Integer> interpreted) {

    private static final int FORMAT = 0x46504332; // "FPC2"

    public GeneratedClasses {
        interpreted = Set.copyOf(interpreted);
        classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        if (!classes.containsKey(mainClass)) {
            throw new IllegalArgumentException("the main class " + mainClass + " is not among the classes");
        }
    }

    /**
     * Compiles a module and rewrites its memory accesses.
     *
     * @throws RuntimeException whatever Chicory's compiler throws for a module it cannot compile
     */
    public static GeneratedClasses compile(WasmModule module, MemoryAccessInliner inliner) {
        return compile(module, inliner, definesItsMemory(module));
    }

    /**
     * Compiles a module and rewrites its memory accesses, and its loops' interruption checks if asked: only for a
     * module that {@linkplain #definesItsMemory defines its memory}. The benchmarks compare both on one module.
     */
    public static GeneratedClasses compile(WasmModule module, MemoryAccessInliner inliner, boolean countdowns) {
        if (countdowns && !definesItsMemory(module)) {
            throw new IllegalArgumentException("loop countdowns need a module that defines its memory");
        }
        var result = Compiler.builder(module)
                // Functions too large for a JVM method are interpreted, silently here: plugin:show counts them,
                // security-test warns about them, and the instances' guard enforces the deadline there.
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .withClassCollectorFactory(OrderedCollector::new)
                .build()
                .compile();
        ClassCollector made = result.collector();
        return new GeneratedClasses(made.mainClassName(),
                inliner.rewriteAll(made.classBytes(), new LinkedHashMap<>(), countdowns),
                result.interpretedFunctions());
    }

    /**
     * Whether the module defines its memory rather than importing it or having none: then the platform's memory
     * factory makes it, and every function receives a {@code PluginMemory}.
     */
    public static boolean definesItsMemory(WasmModule module) {
        boolean imported = module.importSection().stream().anyMatch(i -> i.importType() == ExternalType.MEMORY);
        return !imported && module.memorySection().map(m -> m.memoryCount() > 0).orElse(false);
    }

    /** Defines the classes (the JVM verifies them) and returns the factory of the module's machines. */
    public Function<Instance, Machine> load() {
        ClassLoadingCollector loader = new ClassLoadingCollector();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (!e.getKey().equals(mainClass)) {
                loader.put(e.getKey(), e.getValue());
            }
        }
        loader.putMainClass(mainClass, classes.get(mainClass));
        return loader.machineFactory();
    }

    /** The form stored in the compile cache. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            out.writeUTF(mainClass);
            out.writeInt(interpreted.size());
            for (int function : interpreted) {
                out.writeInt(function);
            }
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what {@link #encode()} wrote (a compile cache entry, whose integrity the cache checked).
     *
     * @throws IOException if the bytes are not such an encoding
     */
    public static GeneratedClasses decode(byte[] encoded) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        if (in.readInt() != FORMAT) {
            throw new IOException("not an encoding of generated classes");
        }
        String main = in.readUTF();
        int functions = in.readInt();
        if (functions < 0 || functions > in.available() / 4) {
            throw new IOException("malformed list of interpreted functions");
        }
        Set<Integer> interpreted = new HashSet<>();
        for (int i = 0; i < functions; i++) {
            interpreted.add(in.readInt());
        }
        int count = in.readInt();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("class " + name + " is cut short");
            }
            classes.put(name, in.readNBytes(length));
        }
        if (in.available() != 0 || !classes.containsKey(main)) {
            throw new IOException("malformed generated classes");
        }
        return new GeneratedClasses(main, classes, interpreted);
    }

    /**
     * Collects the compiler's classes without defining them (they are rewritten first), in the order made.
     * Chicory's own byte collector keeps them in a hash map, which would lose the order they load in.
     */
    private static final class OrderedCollector implements ClassCollector {
        private final Map<String, byte[]> classes = new LinkedHashMap<>();
        private String main;

        @Override
        public String mainClassName() {
            return main;
        }

        @Override
        public void putMainClass(String className, byte[] bytes) {
            main = className;
            classes.put(className, bytes);
        }

        @Override
        public void put(String name, byte[] data) {
            classes.put(name, data);
        }

        @Override
        public void putAll(ClassCollector collector) {
            classes.putAll(collector.classBytes());
        }

        @Override
        public Map<String, byte[]> classBytes() {
            return Collections.unmodifiableMap(classes);
        }

        @Override
        public byte[] resolve(Class<?> type) {
            String resource = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no class file " + resource);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + type.getName() + " for the compiler", e);
            }
        }
    }
}
