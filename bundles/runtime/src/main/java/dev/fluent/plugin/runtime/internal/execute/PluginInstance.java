package dev.fluent.plugin.runtime.internal.execute;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.GuestMemory;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.host.HostImports;

/**
 * One instance of a plugin, reusable for request after request without any state passing between them:
 * after each execution {@link #reset()} puts memory, globals, tables and element segments back to what
 * they were right after instantiation. Used by one thread at a time (the pool hands it over).
 */
public final class PluginInstance {

    /** Most elements a plugin's table may ever hold; a table grown beyond is a denial of service. */
    public static final int MAX_TABLE_ELEMENTS = 100_000;

    private final CompiledPlugin plugin;
    private final Instance instance;
    private final PluginMemory memory;
    private final ExportFunction alloc;
    private final ExportFunction execute;
    private final ExportFunction abiVersion;
    /** Set by {@link InstancePool#trimIdle} while the instance sits idle; cleared when it is returned after use. */
    boolean idleMarked;
    /** The execution this instance serves now; host functions read it. */
    private Execution current;

    private final GlobalInstance[] mutableGlobals;
    private final long[] globalLow;
    private final long[] globalHigh;
    private final int[][] tableRefs;
    private final Element[] elements;

    private PluginInstance(CompiledPlugin plugin, Execution ctx) {
        this.plugin = plugin;
        this.current = ctx;
        PluginMemory[] created = new PluginMemory[1];
        int capPages = plugin.memoryCapPages();
        this.instance = Instance.builder(plugin.module())
                .withMachineFactory(plugin.machineFactory())
                .withImportValues(ImportValues.builder()
                        .withFunctions(HostImports.bind(plugin.module(), plugin.wasiImports(), () -> current))
                        .build())
                .withMemoryFactory(limits -> created[0] = new PluginMemory(limits, capPages))
                // Stops interpreted functions at the deadline; compiled code never calls it.
                .withUnsafeExecutionListener(InterruptGuard.INSTANCE)
                // A fresh Table per instance: Chicory grows the limits object it is given, which would
                // otherwise leak one instance's table growth into the shared module.
                .withTableFactory((table, ref) -> new TableInstance(new Table(table.elementType(),
                        new TableLimits(table.limits().min(), Math.min(table.limits().max(), MAX_TABLE_ELEMENTS)),
                        table.initialize()), ref))
                .build();
        this.memory = created[0];
        if (plugin.hasInitialize()) {
            instance.export(Abi.EXPORT_INITIALIZE).apply();
        }
        this.alloc = instance.export(Abi.EXPORT_ALLOC);
        this.execute = instance.export(Abi.EXPORT_EXECUTE);
        this.abiVersion = instance.export(Abi.EXPORT_ABI_VERSION);

        // The state reset() returns to.
        memory.snapshot();
        int globals = instance.globalCount();
        int mutable = 0;
        GlobalInstance[] all = new GlobalInstance[globals];
        for (int i = 0; i < globals; i++) {
            GlobalInstance g = instance.global(i);
            if (g.getMutabilityType() == MutabilityType.Var) {
                all[mutable++] = g;
            }
        }
        this.mutableGlobals = java.util.Arrays.copyOf(all, mutable);
        this.globalLow = new long[mutable];
        this.globalHigh = new long[mutable];
        for (int i = 0; i < mutable; i++) {
            globalLow[i] = mutableGlobals[i].getValueLow();
            globalHigh[i] = mutableGlobals[i].getValueHigh();
        }
        this.tableRefs = new int[instance.tableCount()][];
        for (int t = 0; t < tableRefs.length; t++) {
            TableInstance table = instance.table(t);
            int[] refs = new int[table.size()];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = table.ref(i);
            }
            tableRefs[t] = refs;
        }
        this.elements = new Element[instance.elementCount()];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = instance.element(i);
        }
    }

    /**
     * Instantiates the plugin. Runs guest code (start function, {@code _initialize}): call it under a
     * deadline.
     */
    public static PluginInstance create(CompiledPlugin plugin, Execution ctx) {
        return new PluginInstance(plugin, ctx);
    }

    public PluginMemory memory() {
        return memory;
    }

    /** The package of the classes that run the module: its generated ones, when it was compiled. */
    public String codePackage() {
        return instance.getMachine().getClass().getPackageName();
    }

    public int abiVersion() {
        return (int) abiVersion.apply()[0];
    }

    /** Runs one request per the ABI (docs/abi.md). Failures of the guest propagate as thrown. */
    public EngineResponse call(EngineRequest request, Execution ctx) throws PluginException {
        this.current = ctx;
        String id = plugin.id();
        byte[] requestBytes = Abi.encodeRequest(id, request, ctx.requestId());
        int ptr = (int) alloc.apply(requestBytes.length)[0];
        if (ptr == 0) {
            throw new PluginException(ErrorCode.MEMORY_LIMIT, id, "fluent_alloc(" + requestBytes.length
                    + ") returned 0: the plugin could not allocate room for the request within max_memory_mb="
                    + plugin.manifest().permissions().maxMemoryMb());
        }
        checkRange(id, "fluent_alloc(" + requestBytes.length + ") returned", ptr, requestBytes.length);
        memory.write(ptr, requestBytes, 0, requestBytes.length);
        int frame = (int) execute.apply(ptr, requestBytes.length)[0];
        int length = frameLength(id, frame);
        ctx.countBytes(requestBytes.length, length);
        return Abi.decodeResponse(id, memory, frame + 4, length);
    }

    /**
     * Returns the instance to its state right after instantiation.
     *
     * @return false when that is impossible (a table changed size): the instance must be discarded
     */
    public boolean reset() {
        current = null;
        memory.reset();
        for (int i = 0; i < mutableGlobals.length; i++) {
            mutableGlobals[i].setValueLow(globalLow[i]);
            mutableGlobals[i].setValueHigh(globalHigh[i]);
        }
        for (int t = 0; t < tableRefs.length; t++) {
            TableInstance table = instance.table(t);
            int[] refs = tableRefs[t];
            if (table.size() != refs.length) {
                return false;
            }
            for (int i = 0; i < refs.length; i++) {
                if (table.ref(i) != refs[i]) {
                    table.setRef(i, refs[i], instance);
                }
            }
        }
        for (int i = 0; i < elements.length; i++) {
            if (instance.element(i) != elements[i]) {
                instance.setElement(i, elements[i]);
            }
        }
        return true;
    }

    /** The length of the response frame at {@code frame}, checked to lie within the ABI's limit and the memory. */
    private int frameLength(String id, int frame) throws PluginException {
        if (frame == 0) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, "execute_request returned a null frame pointer");
        }
        checkRange(id, "execute_request returned frame pointer", frame, 4);
        long length = memory.readInt(frame) & 0xFFFF_FFFFL;
        if (length > Abi.MAX_RESPONSE_BYTES) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, "the response frame claims " + length
                    + " bytes, above the ABI's limit of " + Abi.MAX_RESPONSE_BYTES);
        }
        checkRange(id, "the response frame at", (frame & 0xFFFF_FFFFL) + 4, length);
        return (int) length;
    }

    private void checkRange(String id, String what, long ptr, long length) throws PluginException {
        long start = ptr & 0xFFFF_FFFFL;
        long size = GuestMemory.size(memory);
        if (start + length > size) {
            throw new PluginException(ErrorCode.BAD_RESPONSE, id, String.format(
                    "%s 0x%x (+%d bytes), outside the plugin's memory of %d bytes", what, start, length, size));
        }
    }
}
