package dev.fluent.plugin.runtime.internal.compile;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * A plugin that passed every load check: its manifest, the parsed module, and the machine factory of its
 * compiled code. Immutable; instances are made from it per execution.
 *
 * @param wasiImports the WASI functions the module imports, in import order
 * @param hasInitialize whether the module exports {@code _initialize} (a WASI reactor), called per instance
 * @param moduleBytes size of {@code plugin.wasm}
 * @param interpretedFunctions how many functions Chicory's interpreter runs (too large for a JVM method); -1
 *        until a deferred compilation has happened
 */
public record CompiledPlugin(
        PluginManifest manifest,
        Path source,
        WasmModule module,
        Function<Instance, Machine> machineFactory,
        List<String> wasiImports,
        boolean hasInitialize,
        long moduleBytes,
        IntSupplier interpretedFunctions) {

    public String id() {
        return manifest.name();
    }

    /** The memory cap in 64 KiB pages. */
    public int memoryCapPages() {
        return manifest.permissions().maxMemoryMb() * 16;
    }
}
