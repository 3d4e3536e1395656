package dev.fluent.plugin.runtime.internal.load;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.host.HostImports;
import dev.fluent.plugin.runtime.internal.host.WasiSubset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The load-time checks on a parsed module: it imports only what the platform offers it, exports the ABI
 * of docs/abi.md with the right types, and its memory fits the plugin's limit. Nothing here runs guest
 * code.
 */
public final class ModuleInspector {


    /** Host functions of module {@code fluent}: the ABI's, each with its capability and type. */
    public static final List<String> FLUENT_FUNCTIONS = java.util.Arrays.stream(StandardHostFunction.values())
            .map(StandardHostFunction::functionName).sorted().toList();

    private static final FunctionType ABI_VERSION_TYPE = FunctionType.of(List.of(), List.of(I32));
    private static final FunctionType ALLOC_TYPE = FunctionType.of(List.of(I32), List.of(I32));
    private static final FunctionType EXECUTE_TYPE = FunctionType.of(List.of(I32, I32), List.of(I32));

    private ModuleInspector() {
    }

    /**
     * @return the names of the WASI functions the module imports (all of them offered)
     * @throws PluginException IMPORT_NOT_ALLOWED, ABI_MISMATCH or MEMORY_LIMIT naming what is wrong
     */
    public static List<String> inspect(WasmModule module, PluginManifest manifest) throws PluginException {
        return inspect(module, manifest, null);
    }

    /**
     * @param offered the capability providers running now, whose import modules the module may import from
     *        (when it declares their capability); {@code null} where no provider runs (a check outside the
     *        registry): then imports of a capability outside the standard eight that the manifest declares
     *        are checked when the execution starts
     * @return the names of the WASI functions the module imports (all of them offered)
     * @throws PluginException IMPORT_NOT_ALLOWED, ABI_MISMATCH or MEMORY_LIMIT naming what is wrong
     */
    public static List<String> inspect(WasmModule module, PluginManifest manifest, CapabilityProviders offered)
            throws PluginException {
        String id = manifest.name();
        List<String> wasiImports = checkImports(module, manifest, offered);
        checkExports(module, id);
        checkMemory(module, id, manifest.permissions().maxMemoryMb());
        return wasiImports;
    }

    private static List<String> checkImports(WasmModule module, PluginManifest manifest, CapabilityProviders offered)
            throws PluginException {
        String id = manifest.name();
        List<String> wasi = new ArrayList<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            String qualified = imp.module() + "." + imp.name();
            if (!(imp instanceof FunctionImport function)) {
                throw refused(id, "import " + qualified + ": a plugin may import only functions, not a "
                        + imp.importType().name().toLowerCase() + "; it must define its own memory and tables");
            }
            FunctionType type = module.typeSection().getType(function.typeIndex());
            switch (imp.module()) {
                case Abi.WASI_MODULE -> {
                    FunctionType wasiType = WasiSubset.typeOf(imp.name());
                    if (wasiType == null) {
                        throw refused(id, "import " + qualified + " is outside the WASI subset the platform offers"
                                + " (clocks, random, stdout/stderr, proc_exit; see docs/abi.md)."
                                + " Files, sockets and the environment go through the fluent host functions"
                                + " of the matching capability");
                    }
                    if (!wasiType.equals(type)) {
                        throw refused(id, "import " + qualified + " has type " + type + ", expected " + wasiType);
                    }
                    wasi.add(imp.name());
                }
                case Abi.FLUENT_MODULE -> {
                    // Checked against the ABI, not the providers running now: a plugin whose provider is
                    // stopped loads and stays suspended until it starts (CapabilityProviders).
                    StandardHostFunction standard = StandardHostFunction.named(imp.name()).orElse(null);
                    if (standard == null) {
                        throw refused(id, "import " + qualified + " is not a host function of the platform"
                                + " (known: " + String.join(", ", FLUENT_FUNCTIONS) + ")");
                    }
                    Capability needed = standard.capability().orElse(null);
                    if (needed != null && !manifest.requests(needed)) {
                        throw refused(id, "import " + qualified + " needs capability " + needed
                                + ", which the manifest does not declare; add \"" + needed
                                + "\" to its capabilities or remove the import");
                    }
                    FunctionType expected = HostImports.typeOf(standard);
                    if (!expected.equals(type)) {
                        throw refused(id, "import " + qualified + " has type " + type + ", expected " + expected);
                    }
                }
                default -> checkExtensionImport(imp, type, manifest, offered);
            }
        }
        return List.copyOf(wasi);
    }

    /**
     * An import of a module outside {@code fluent} and WASI: a function of a capability outside the standard
     * eight, which the manifest must declare and whose provider (when it runs) must define it with that type.
     */
    private static void checkExtensionImport(Import imp, FunctionType type, PluginManifest manifest,
            CapabilityProviders offered) throws PluginException {
        String id = manifest.name();
        String qualified = imp.module() + "." + imp.name();
        String owner = offered == null ? null : offered.capabilityOfModule(imp.module());
        if (owner == null) {
            // No provider declares the module now: acceptable only for a declared capability that waits for
            // its provider, and then checked when one starts (each execution's admission).
            boolean waiting = manifest.extensionCapabilities().stream()
                    .anyMatch(c -> offered == null || offered.provider(c) == null);
            if (!waiting) {
                throw refused(id, "import " + qualified + ": module '" + imp.module() + "' is not offered;"
                        + " no running capability provider declares it. A plugin imports from '" + Abi.WASI_MODULE
                        + "' (a subset), '" + Abi.FLUENT_MODULE + "' and the modules of the capabilities it"
                        + " declares whose providers are installed");
            }
            return;
        }
        if (!manifest.requests(owner)) {
            throw refused(id, "import " + qualified + " needs capability " + owner
                    + ", which the manifest does not declare; add \"" + owner
                    + "\" to its capabilities or remove the import");
        }
        HostFunctionDefinition defined = offered.function(imp.module(), imp.name());
        if (defined == null) {
            throw refused(id, "import " + qualified + " is not a function of capability " + owner
                    + "; its provider defines: " + offered.provider(owner).functions().stream()
                            .map(HostFunctionDefinition::name).sorted().toList());
        }
        FunctionType expected = HostImports.typeOf(defined.params(), defined.results());
        if (!expected.equals(type)) {
            throw refused(id, "import " + qualified + " has type " + type + ", expected " + expected);
        }
    }

    /** The module's exports by name. */
    public static Map<String, Export> exports(WasmModule module) {
        Map<String, Export> exports = new HashMap<>();
        var section = module.exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            Export e = section.getExport(i);
            exports.put(e.name(), e);
        }
        return exports;
    }

    private static void checkExports(WasmModule module, String id) throws PluginException {
        Map<String, Export> exports = exports(module);
        Export memory = exports.get(Abi.EXPORT_MEMORY);
        if (memory == null || memory.exportType() != ExternalType.MEMORY) {
            throw abi(id, "the module does not export its linear memory as 'memory'");
        }
        requireFunction(module, exports, id, Abi.EXPORT_ABI_VERSION, ABI_VERSION_TYPE);
        requireFunction(module, exports, id, Abi.EXPORT_ALLOC, ALLOC_TYPE);
        requireFunction(module, exports, id, Abi.EXPORT_EXECUTE, EXECUTE_TYPE);
        Export init = exports.get(Abi.EXPORT_INITIALIZE);
        if (init != null) {
            requireFunction(module, exports, id, Abi.EXPORT_INITIALIZE, FunctionType.empty());
        }
    }

    private static void requireFunction(WasmModule module, Map<String, Export> exports, String id, String name,
            FunctionType expected) throws PluginException {
        Export e = exports.get(name);
        if (e == null || e.exportType() != ExternalType.FUNCTION) {
            throw abi(id, "the module does not export function '" + name + "' " + expected
                    + " (ABI v" + Abi.VERSION + ", see docs/abi.md)");
        }
        FunctionType actual = functionType(module, e.index());
        if (!expected.equals(actual)) {
            throw abi(id, "export '" + name + "' has type " + actual + ", expected " + expected);
        }
    }

    private static FunctionType functionType(WasmModule module, int index) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (index < imported) {
            int seen = 0;
            var imports = module.importSection();
            for (int i = 0; i < imports.importCount(); i++) {
                if (imports.getImport(i) instanceof FunctionImport f && seen++ == index) {
                    return module.typeSection().getType(f.typeIndex());
                }
            }
        }
        return module.typeSection().getType(module.functionSection().getFunctionType(index - imported));
    }

    private static void checkMemory(WasmModule module, String id, int maxMemoryMb) throws PluginException {
        var memories = module.memorySection();
        if (memories.isEmpty() || memories.get().memoryCount() != 1) {
            throw abi(id, "the module must define exactly one linear memory");
        }
        MemoryLimits limits = memories.get().getMemory(0).limits();
        if (limits.shared()) {
            throw abi(id, "shared memory is not supported: instances never share state");
        }
        long initialBytes = (long) limits.initialPages() * 65_536;
        if (initialBytes > (long) maxMemoryMb * 1024 * 1024) {
            throw new PluginException(ErrorCode.MEMORY_LIMIT, id, String.format(
                    "the module starts with %d pages (%.1f MiB) of memory, more than max_memory_mb=%d allows",
                    limits.initialPages(), initialBytes / 1048576.0, maxMemoryMb));
        }
    }

    private static PluginException refused(String id, String message) {
        return new PluginException(ErrorCode.IMPORT_NOT_ALLOWED, id, message);
    }

    private static PluginException abi(String id, String message) {
        return new PluginException(ErrorCode.ABI_MISMATCH, id, message);
    }
}
