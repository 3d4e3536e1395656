package dev.fluent.plugin.runtime.internal.host;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.api.spi.ValueType;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The functions a module imports, bound for one instance: the WASI subset and a dispatching function for
 * each import of module {@code fluent}. Each call goes to the {@link GuestCalls} of the execution the
 * instance serves at that moment.
 */
public final class HostImports {

    private HostImports() {
    }

    /** The capabilities a module needs a provider for: those of its {@code fluent} imports. */
    public static Set<Capability> needed(WasmModule module) {
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        for (String name : fluentImports(module).keySet()) {
            StandardHostFunction.named(name).flatMap(StandardHostFunction::capability).ifPresent(needed::add);
        }
        return needed;
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
        return FunctionType.of(f.params().stream().map(HostImports::valType).toList(),
                f.results().stream().map(HostImports::valType).toList());
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
        fluentImports(module).forEach((name, type) -> all.add(new HostFunction(Abi.FLUENT_MODULE, name, type,
                (instance, args) -> {
                    long result = current.get().invoke(name, instance, args);
                    return type.returns().isEmpty() ? null : new long[] {result};
                })));
        return all;
    }
}
