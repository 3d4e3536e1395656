package dev.fluent.plugin.runtime.internal.inspect;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.ValueType;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's stand-ins for a capability outside the standard eight: the platform's providers never run
 * there, and the host test kit knows only the standard ones. Each function the module imports from the
 * capability's module answers {@link HostCall#FAILED} ("not served in the sandbox"), so the probes run the
 * plugin's own handling of a failed call instead of suspending it. A module can be matched to its capability
 * only when the manifest declares exactly one such capability; otherwise nothing stands in and those probes
 * fail with {@code CAPABILITY_UNAVAILABLE}.
 */
final class ExtensionFakes {

    static final String MESSAGE = "third-party capabilities are not served in the sandbox";

    private ExtensionFakes() {
    }

    static List<CapabilityProvider> of(PluginManifest manifest, WasmModule module) {
        if (manifest.extensionCapabilities().size() != 1) {
            return List.of();
        }
        String capability = manifest.extensionCapabilities().iterator().next();
        Map<String, List<HostFunctionDefinition>> byModule = new LinkedHashMap<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (imp instanceof FunctionImport f && !Abi.WASI_MODULE.equals(imp.module())
                    && !Abi.FLUENT_MODULE.equals(imp.module())) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                byModule.computeIfAbsent(imp.module(), k -> new ArrayList<>()).add(new HostFunctionDefinition(
                        imp.name(), types(type.params()), types(type.returns()), (call, args) -> call.failed(MESSAGE)));
            }
        }
        if (byModule.size() != 1) {
            return List.of(); // one capability, one module: more cannot be told apart
        }
        var entry = byModule.entrySet().iterator().next();
        return List.of(new CapabilityProvider() {
            @Override
            public String capabilityName() {
                return capability;
            }

            @Override
            public String importModule() {
                return entry.getKey();
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return entry.getValue();
            }

            @Override
            public String toString() {
                return "sandbox stand-in for " + capability;
            }
        });
    }

    private static List<ValueType> types(List<ValType> types) {
        return types.stream().map(t -> t.equals(ValType.I64) ? ValueType.I64 : ValueType.I32).toList();
    }
}
