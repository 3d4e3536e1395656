package dev.fluent.plugin.runtime.internal.host;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.api.spi.ValueType;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The functions a module imports, bound for one instance: the WASI subset and a dispatching function for
 * each import of module {@code fluent} and of the import modules of capabilities outside the standard eight.
 * Each call goes to the {@link GuestCalls} of the execution the instance serves at that moment.
 */
public final class HostImports {

    private HostImports() {
    }

    /** The standard capabilities a module needs a provider for, by name: those of its {@code fluent} imports. */
    public static Set<String> needed(WasmModule module) {
        Set<String> needed = new TreeSet<>();
        for (String name : fluentImports(module).keySet()) {
            StandardHostFunction.named(name).flatMap(StandardHostFunction::capability)
                    .ifPresent(c -> needed.add(c.manifestName()));
        }
        return needed;
    }

    /** The module's function imports of every module but WASI's, by {@link CapabilityProviders#key}, with their types. */
    public static Map<String, FunctionType> hostImports(WasmModule module) {
        Map<String, FunctionType> result = new HashMap<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (!Abi.WASI_MODULE.equals(imp.module()) && imp instanceof FunctionImport f) {
                result.put(CapabilityProviders.key(imp.module(), imp.name()), module.typeSection().getType(f.typeIndex()));
            }
        }
        return result;
    }

    /** The module's imports from module {@code fluent}, by name, with their types. */
    public static Map<String, FunctionType> fluentImports(WasmModule module) {
        Map<String, FunctionType> result = new HashMap<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (Abi.FLUENT_MODULE.equals(imp.module()) && imp instanceof FunctionImport f) {
                result.put(imp.name(), module.typeSection().getType(f.typeIndex()));
            }
        }
        return result;
    }

    /** The standard type of a function, as Chicory writes it. */
    public static FunctionType typeOf(StandardHostFunction f) {
        return typeOf(f.params(), f.results());
    }

    /** A provider's function type, as Chicory writes it. */
    public static FunctionType typeOf(List<ValueType> params, List<ValueType> results) {
        return FunctionType.of(params.stream().map(HostImports::valType).toList(),
                results.stream().map(HostImports::valType).toList());
    }

    private static ValType valType(ValueType t) {
        return t == ValueType.I64 ? ValType.I64 : ValType.I32;
    }

    /**
     * Every function the module imports, bound to {@code current}: the execution served at the time of a call.
     *
     * @param wasiImports the WASI functions the module imports (checked at load)
     */
    public static List<ImportFunction> bind(WasmModule module, List<String> wasiImports,
            Supplier<? extends GuestCalls> current) {
        List<ImportFunction> all = new ArrayList<>(WasiSubset.bind(wasiImports, current));
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (!Abi.WASI_MODULE.equals(imp.module()) && imp instanceof FunctionImport f) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                String key = CapabilityProviders.key(imp.module(), imp.name());
                all.add(new HostFunction(imp.module(), imp.name(), type, (instance, args) -> {
                    long result = current.get().invoke(key, instance, args);
                    return type.returns().isEmpty() ? null : new long[] {result};
                }));
            }
        }
        return all;
    }

    /**
     * Checks a plugin's imports of capabilities outside the standard eight against the providers serving them now
     * ({@code definitions}): at load a provider may not have been running (the plugin waited for it), and another
     * version may have replaced it since.
     *
     * @param imports the plugin's imports outside {@code fluent} and WASI, by key, with their types
     */
    public static void checkServed(String pluginId, Map<String, FunctionType> imports,
            Map<String, CapabilityProviders.Served> definitions) throws PluginException {
        for (Map.Entry<String, FunctionType> e : imports.entrySet()) {
            CapabilityProviders.Served served = definitions.get(e.getKey());
            if (served == null) {
                throw new PluginException(ErrorCode.CAPABILITY_UNAVAILABLE, pluginId, "plugin " + pluginId
                        + " imports " + e.getKey() + ", which no capability provider running now defines; it is"
                        + " suspended until one that does starts");
            }
            var defined = served.definition();
            if (defined != null && !typeOf(defined.params(), defined.results()).equals(e.getValue())) {
                throw new PluginException(ErrorCode.CAPABILITY_UNAVAILABLE, pluginId, "plugin " + pluginId
                        + " imports " + e.getKey() + " as " + e.getValue() + ", but the provider of "
                        + served.capability() + " running now defines it as " + defined.signature() + "; it is"
                        + " suspended until a provider of that type runs");
            }
        }
    }
}
