package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;

/**
 * One execution of a plugin in a fresh instance: no state of an earlier request is visible, and whatever
 * the guest does ends here, as a response or a {@link PluginException}. Runs on the calling thread; the
 * {@link ExecutionService} puts the deadline around it.
 */
final class Sandbox {

    /** Most elements a plugin's table may ever hold; a table grown beyond is a denial of service. */
    static final int MAX_TABLE_ELEMENTS = 100_000;

    private Sandbox() {
    }

    static EngineResponse execute(CompiledPlugin plugin, EngineRequest request, ExecutionContext ctx)
            throws PluginException {
        String id = plugin.id();
        byte[] requestBytes = Abi.encodeRequest(id, request, ctx.requestId());
        Holder holder = new Holder();
        try {
            Instance instance = instantiate(plugin, ctx, holder);
            Memory memory = instance.memory();
            int ptr = (int) instance.export(ModuleInspector.EXPORT_ALLOC).apply(requestBytes.length)[0];
            if (ptr == 0) {
                throw new PluginException(ErrorCode.MEMORY_LIMIT, id, "fluent_alloc(" + requestBytes.length
                        + ") returned 0: the plugin could not allocate room for the request within max_memory_mb="
                        + plugin.manifest().permissions().maxMemoryMb());
            }
            checkRange(id, memory, "fluent_alloc(" + requestBytes.length + ") returned", ptr, requestBytes.length);
            memory.write(ptr, requestBytes);
            int frame = (int) instance.export(ModuleInspector.EXPORT_EXECUTE).apply(ptr, requestBytes.length)[0];
            return Abi.decodeResponse(id, readFrame(id, memory, frame));
        } catch (PluginException e) {
            throw e;
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError) && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            throw FailureClassifier.classify(id, t, holder.memory, plugin.manifest().permissions().maxMemoryMb());
        }
    }

    /** Calls {@code fluent_abi_version} in a fresh instance: the load-time proof the module can start. */
    static int abiVersion(CompiledPlugin plugin, ExecutionContext ctx) throws PluginException {
        Holder holder = new Holder();
        try {
            Instance instance = instantiate(plugin, ctx, holder);
            return (int) instance.export(ModuleInspector.EXPORT_ABI_VERSION).apply()[0];
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError) && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            throw FailureClassifier.classify(plugin.id(), t, holder.memory, plugin.manifest().permissions().maxMemoryMb());
        }
    }

    private static Instance instantiate(CompiledPlugin plugin, ExecutionContext ctx, Holder holder) {
        int capPages = plugin.memoryCapPages();
        Instance instance = Instance.builder(plugin.module())
                .withMachineFactory(plugin.machineFactory())
                .withImportValues(ImportValues.builder()
                        .withFunctions(WasiSubset.bind(plugin.wasiImports(), ctx))
                        .build())
                .withMemoryFactory(limits -> holder.memory = CappedMemory.create(limits, capPages))
                // A fresh Table per instance: Chicory grows the limits object it is given, which would
                // otherwise leak one execution's table growth into the shared module.
                .withTableFactory((table, ref) -> new TableInstance(new Table(table.elementType(),
                        new TableLimits(table.limits().min(), Math.min(table.limits().max(), MAX_TABLE_ELEMENTS)),
                        table.initialize()), ref))
                .build();
        if (plugin.hasInitialize()) {
            instance.export(ModuleInspector.EXPORT_INITIALIZE).apply();
        }
        return instance;
    }

    private static byte[] readFrame(String id, Memory memory, int frame) throws PluginException {
        if (frame == 0) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, "execute_request returned a null frame pointer");
        }
        checkRange(id, memory, "execute_request returned frame pointer", frame, 4);
        long length = memory.readInt(frame) & 0xFFFF_FFFFL;
        if (length > Abi.MAX_RESPONSE_BYTES) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, "the response frame claims " + length
                    + " bytes, above the ABI's limit of " + Abi.MAX_RESPONSE_BYTES);
        }
        checkRange(id, memory, "the response frame at", frame + 4L, length);
        return memory.readBytes(frame + 4, (int) length);
    }

    private static void checkRange(String id, Memory memory, String what, long ptr, long length) throws PluginException {
        long start = ptr & 0xFFFF_FFFFL;
        long size = GuestMemory.size(memory);
        if (start + length > size) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, String.format(
                    "%s 0x%x (+%d bytes), outside the plugin's memory of %d bytes", what, start, length, size));
        }
    }

    /** Captures the instance's memory as the factory creates it, so a failure can be classified. */
    private static final class Holder {
        CappedMemory memory;
    }
}
