package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the lifecycle benchmarks share: the example plugins, a registry outside OSGi in development mode,
 * and a "raw" Chicory instance of a plugin's module that speaks the ABI with nothing of the platform around
 * it (no pool, deadline, reset, JSON decoding or audit), the baseline the platform's overhead is measured
 * against.
 */
final class LifecycleFixtures {

    /** The echo benchmark's payload: 100 bytes of text. */
    static final String PAYLOAD_100 = "The quick brown fox jumps over the lazy dog; "
            + "pack my box with five dozen liquor jugs. 0123456789";

    /** The sha256 benchmark's payload: 1 MiB to hash. */
    static final String ONE_MIB = "1048576";

    /** The hex SHA-256 of the 1 MiB the sha256 plugin generates (checked by its unit tests). */
    static final String ONE_MIB_DIGEST = "06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LifecycleFixtures() {
    }

    /** {@code examples/}: the system property {@code fluent.examples.dir}, else found from the working folder up. */
    static Path examples() {
        String dir = System.getProperty("fluent.examples.dir");
        if (dir != null) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/echo"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/ not found: run from the repository or set -Dfluent.examples.dir");
    }

    static Path example(String name) {
        return examples().resolve(name);
    }

    /**
     * A copy of an example plugin under another name, unsigned (the manifest changed), which development
     * mode loads; its rate limit is raised to the most a manifest may ask for.
     */
    static Path unsignedCopy(Path plugin, Path target, String name) {
        try {
            Files.createDirectories(target);
            Files.copy(plugin.resolve("plugin.wasm"), target.resolve("plugin.wasm"));
            ObjectNode manifest = (ObjectNode) JSON.readTree(plugin.resolve("manifest.json").toFile());
            manifest.put("name", name);
            manifest.remove("signature");
            // The highest rate a manifest may ask for, so a benchmark is not throttled by the example's own.
            ((ObjectNode) manifest.get("permissions")).put("rate_limit_requests_per_minute", 60_000);
            JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve("manifest.json").toFile(), manifest);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A registry outside OSGi, development mode on (unsigned plugins load), no audit sink. */
    static PluginRuntime developmentRuntime(Path dataDirectory) {
        PluginRuntime runtime = new PluginRuntime(null, new JsonManifestParser(), Clock.systemUTC(), dataDirectory);
        runtime.configure(true, false);
        // Tests and benchmarks run plugins faster than their manifests' rate limits allow.
        runtime.executionServices().rateLimits(false);
        return runtime;
    }

    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * A plugin loaded into {@code runtime} as an unsigned copy named {@code id}, and its compiled module as
     * the registry holds it (same {@link WasmModule}, same machine factory).
     */
    static CompileCache.Compiled loadUnsigned(PluginRuntime runtime, String example, String id) throws PluginException {
        Path copy = unsignedCopy(example(example), tempDir("fluent-bench-").resolve(id), id);
        runtime.load(copy, false);
        String checksum = runtime.find(id).orElseThrow().manifest().checksum();
        // A memory hit: the very Compiled the plugin was built from.
        return runtime.compileCache().compile(checksum, null);
    }

    /** The ABI request JSON the platform would send, with a fixed request id. */
    static byte[] requestBytes(String id, String payload) throws PluginException {
        return Abi.encodeRequest(id, EngineRequest.of(payload), "bench-1");
    }

    /** An instance of the module with the given machine factory ({@code null}: Chicory's interpreter). */
    static RawPlugin raw(WasmModule module, Function<Instance, Machine> machineFactory) {
        return raw(module, machineFactory, false);
    }

    /**
     * @param pluginMemory whether the instance gets the platform's {@link PluginMemory} (capped at 64 MiB,
     *        dirty-card tracking) instead of Chicory's default memory
     */
    static RawPlugin raw(WasmModule module, Function<Instance, Machine> machineFactory, boolean pluginMemory) {
        Instance.Builder builder = Instance.builder(module).withImportValues(stubImports(module));
        if (machineFactory != null) {
            builder.withMachineFactory(machineFactory);
        }
        if (pluginMemory) {
            builder.withMemoryFactory(limits -> new PluginMemory(limits, 64 * 16));
        }
        return new RawPlugin(builder.build());
    }

    static WasmModule parse(Path plugin) {
        try {
            return Parser.parse(Files.readAllBytes(plugin.resolve("plugin.wasm")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every imported function answers 0 (WASI's success); the benchmarked paths call none of them. */
    private static ImportValues stubImports(WasmModule module) {
        ImportSection imports = module.importSection();
        List<ImportFunction> functions = new ArrayList<>();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (imp instanceof FunctionImport f) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                long[] result = new long[type.returns().size()];
                functions.add(new HostFunction(f.module(), f.name(), type, (inst, args) -> result.clone()));
            }
        }
        return ImportValues.builder().withFunctions(functions).build();
    }

    /** A bare Chicory instance driven through ABI v1. */
    static final class RawPlugin {
        final Instance instance;
        final Memory memory;
        final ExportFunction alloc;
        final ExportFunction execute;

        RawPlugin(Instance instance) {
            this.instance = instance;
            this.memory = instance.memory();
            this.alloc = instance.export("fluent_alloc");
            this.execute = instance.export("execute_request");
        }

        /** fluent_alloc, write the request, execute_request, read the frame's JSON bytes (not decoded). */
        byte[] call(byte[] request) {
            int ptr = (int) alloc.apply(request.length)[0];
            memory.write(ptr, request, 0, request.length);
            int frame = (int) execute.apply(ptr, request.length)[0];
            int length = memory.readInt(frame);
            return memory.readBytes(frame + 4, length);
        }

        String callText(byte[] request) {
            return new String(call(request), StandardCharsets.UTF_8);
        }
    }
}
