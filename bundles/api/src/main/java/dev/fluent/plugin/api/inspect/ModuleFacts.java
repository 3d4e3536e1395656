package dev.fluent.plugin.api.inspect;

import java.util.List;

/**
 * What a plugin's module is, as read from {@code plugin.wasm} without running it.
 *
 * @param sizeBytes the size of {@code plugin.wasm}
 * @param imports its imports, {@code module.name} (e.g. {@code fluent.log}, {@code wasi_snapshot_preview1.fd_write})
 * @param exports the names it exports
 * @param initialMemoryPages the initial size of its memory in 64 KiB pages, or -1 when it defines none
 * @param maximumMemoryPages the maximum the module declares, or -1 when it declares none
 * @param interpretedFunctions functions too large to compile to the JVM, which Chicory's interpreter runs
 *        (far slower); -1 when the module was not compiled (a load check before compilation failed)
 */
public record ModuleFacts(long sizeBytes, List<String> imports, List<String> exports, long initialMemoryPages,
        long maximumMemoryPages, int interpretedFunctions) {

    public ModuleFacts {
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
    }

    /** Facts of a module whose compilation is not known. */
    public ModuleFacts(long sizeBytes, List<String> imports, List<String> exports, long initialMemoryPages,
            long maximumMemoryPages) {
        this(sizeBytes, imports, exports, initialMemoryPages, maximumMemoryPages, -1);
    }
}
