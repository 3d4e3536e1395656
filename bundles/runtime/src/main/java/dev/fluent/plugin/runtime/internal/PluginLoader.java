package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The load path of design §5 for one plugin folder: manifest → expiry → checksum → signature ({@link TrustGate})
 * → wasm parse → import
 * and export checks → compile → a first instantiation that proves the module starts and speaks our ABI.
 * Each step fails with its own error code; nothing is registered here.
 */
final class PluginLoader {

    static final String MANIFEST_FILE = "manifest.json";
    static final String WASM_FILE = "plugin.wasm";

    /** Largest manifest read; the parser enforces its own bound on what it reads. */
    static final long MAX_MANIFEST_BYTES = 64 * 1024;
    /** Largest module accepted. */
    static final long MAX_WASM_BYTES = 32L * 1024 * 1024;
    /** Clock difference tolerated between the machine that built a plugin and this one. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final ManifestParser parser;
    private final Watchdog watchdog;
    private final CompileCache compileCache;
    private final Clock clock;
    /** Lazy mode: compile on first use instead of at load. */
    private volatile boolean lazy;
    private final TrustGate trust;

    /** A plugin that passed every check, with the instance that proved it starts (the pool's first). */
    record Loaded(CompiledPlugin compiled, PluginInstance warmInstance) {
    }

    PluginLoader(ManifestParser parser, Watchdog watchdog, CompileCache compileCache, Clock clock, TrustGate trust) {
        this.parser = parser;
        this.trust = trust;
        this.watchdog = watchdog;
        this.compileCache = compileCache;
        this.clock = clock;
    }

    void setLazy(boolean lazy) {
        this.lazy = lazy;
    }

    /** Reads and validates only the manifest: the first steps of {@link #load}. */
    PluginManifest readManifest(Path folder) throws PluginException {
        return parser.parse(readManifestBytes(folder));
    }

    private static byte[] readManifestBytes(Path folder) throws PluginException {
        if (!Files.isDirectory(folder)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null,
                    folder + " is not a plugin folder (expected a folder holding manifest.json and plugin.wasm)");
        }
        Path manifestFile = folder.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new PluginException(ErrorCode.MANIFEST_MISSING, null, "no " + MANIFEST_FILE + " in " + folder);
        }
        return readBounded(manifestFile, MAX_MANIFEST_BYTES, ErrorCode.MANIFEST_INVALID, null);
    }

    Loaded load(Path folder) throws PluginException {
        long started = System.nanoTime();
        byte[] manifestJson = readManifestBytes(folder);
        PluginManifest manifest = parser.parse(manifestJson);
        String id = manifest.name();
        checkValidity(manifest);

        Path wasmFile = folder.resolve(WASM_FILE);
        if (!Files.isRegularFile(wasmFile)) {
            throw new PluginException(ErrorCode.WASM_MISSING, id, "no " + WASM_FILE + " in " + folder);
        }
        byte[] wasm = readBounded(wasmFile, MAX_WASM_BYTES, ErrorCode.WASM_INVALID, id);
        checkChecksum(manifest, wasm);
        trust.check(manifest, manifestJson);

        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException | StackOverflowError e) {
            throw new PluginException(ErrorCode.WASM_INVALID, id,
                    WASM_FILE + " is not a valid WebAssembly module: " + describe(e));
        }
        List<String> wasiImports = ModuleInspector.inspect(module, manifest);

        CompileCache.Compiled machine;
        try {
            machine = lazy
                    ? compileCache.deferred(manifest.checksum(), module)
                    : compileCache.compile(manifest.checksum(), module);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new PluginException(ErrorCode.COMPILE_FAILED, id, "the module could not be compiled: " + describe(e));
        }
        CompiledPlugin compiled = new CompiledPlugin(manifest, folder, machine.module(), machine.machineFactory(),
                wasiImports, ModuleInspector.exports(module).containsKey(ModuleInspector.EXPORT_INITIALIZE),
                wasm.length, (System.nanoTime() - started) / 1_000_000);
        // In lazy mode nothing runs yet: the first execution instantiates, compiles and checks the ABI.
        PluginInstance warm = lazy ? null : probe(compiled);
        return new Loaded(new CompiledPlugin(manifest, folder, machine.module(), machine.machineFactory(), wasiImports,
                compiled.hasInitialize(), wasm.length, (System.nanoTime() - started) / 1_000_000), warm);
    }

    /**
     * Instantiates the plugin once, under its deadline, and asks its ABI version: proof that the module
     * starts and speaks our ABI before anything is registered.
     */
    private PluginInstance probe(CompiledPlugin compiled) throws PluginException {
        String id = compiled.id();
        Guard.checkCallerNotInterrupted(id);
        long timeoutMillis = compiled.manifest().permissions().maxExecutionTimeMs();
        Watchdog.Deadline deadline = watchdog.arm(timeoutMillis);
        PluginInstance instance = null;
        int version = 0;
        Throwable failure = null;
        try {
            instance = PluginInstance.create(compiled, new ExecutionContext(id, "load", null));
            version = instance.abiVersion();
        } catch (Throwable t) {
            failure = t;
        }
        boolean fired = watchdog.disarm(deadline);
        if (failure != null || fired) {
            PluginException e = Guard.failure(id, failure, fired, timeoutMillis,
                    instance == null ? null : instance.memory(), compiled.manifest().permissions().maxMemoryMb());
            throw new PluginException(e.code(), id, "the module failed to start: " + e.getMessage(), e);
        }
        checkAbiVersion(id, version);
        if (!instance.reset()) {
            return null;
        }
        return instance;
    }

    /** Refuses a plugin past {@code expires_at} or before {@code created_at}, allowing {@link #CLOCK_SKEW}. */
    static void checkAbiVersion(String id, int version) throws PluginException {
        if (version != Abi.VERSION) {
            throw new PluginException(ErrorCode.ABI_MISMATCH, id, "the module speaks ABI v" + version
                    + "; this platform speaks v" + Abi.VERSION);
        }
    }

    void checkValidity(PluginManifest manifest) throws PluginException {
        Instant now = clock.instant();
        if (manifest.expiresAt() != null && now.isAfter(manifest.expiresAt().plus(CLOCK_SKEW))) {
            throw new PluginException(ErrorCode.EXPIRED, manifest.name(),
                    "the plugin expired at " + manifest.expiresAt() + " (expires_at); ask its author for a new version");
        }
        if (manifest.createdAt() != null && manifest.createdAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new PluginException(ErrorCode.NOT_YET_VALID, manifest.name(),
                    "the plugin is not valid before " + manifest.createdAt() + " (created_at); check this machine's clock");
        }
    }

    static void checkChecksum(PluginManifest manifest, byte[] wasm) throws PluginException {
        String id = manifest.name();
        if (manifest.checksum() == null) {
            throw new PluginException(ErrorCode.CHECKSUM_MISSING, id, "the manifest has no checksum; set it to the "
                    + "SHA-256 of " + WASM_FILE + " (lowercase hex) or sign the plugin, which sets it");
        }
        String actual = sha256(wasm);
        if (!actual.equals(manifest.checksum())) {
            throw new PluginException(ErrorCode.CHECKSUM_MISMATCH, id, WASM_FILE + " has SHA-256 " + actual
                    + " but the manifest's checksum is " + manifest.checksum() + ": the module was changed or replaced");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static byte[] readBounded(Path file, long max, ErrorCode tooLarge, String id) throws PluginException {
        try {
            long size = Files.size(file);
            if (size > max) {
                throw new PluginException(tooLarge, id, file.getFileName() + " is " + size
                        + " bytes, above the platform's limit of " + max);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, id, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
