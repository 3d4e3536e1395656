package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.io.ByteArrayInputStream;
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PluginLoader.class);
    /** Every section id of the WebAssembly 2.0 core spec (and the exception-handling tag section) but code (10). */
    private static final int[] SECTIONS_BUT_CODE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13};
    /** A function body that is a single {@code unreachable}. */
    private static final FunctionBody TRAPPING_BODY = new FunctionBody(List.of(), List.of(AnnotatedInstruction.builder()
            .from(new Instruction(0, OpCode.UNREACHABLE, new long[0])).build()));

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

        String checksum = manifest.checksum();
        CompileCache.Lookup cached = compileCache.lookup(checksum);
        boolean fromDisk = cached.diskClasses() != null && !lazy;
        // Compiled in this run already: nothing to parse. Compiled by this installation before, so validated
        // then (CompileCache says why that is sound): the code section, most of the module, is not even
        // decoded, since its compiled classes are here.
        WasmModule module = cached.memory() != null ? cached.memory().module()
                : fromDisk ? parseWithoutCode(id, wasm, checksum) : parse(id, wasm);
        List<String> wasiImports = ModuleInspector.inspect(module, manifest);

        CompileCache.Compiled machine;
        try {
            if (lazy) {
                machine = compileCache.deferred(checksum, module);
            } else {
                machine = fromDisk ? fromDisk(id, checksum, module, cached.diskClasses()) : null;
                if (machine == null) {
                    if (fromDisk) {
                        module = parse(id, wasm); // the entry was unusable: the whole module after all
                    }
                    machine = compileCache.compile(checksum, module);
                }
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new PluginException(ErrorCode.COMPILE_FAILED, id, "the module could not be compiled: " + describe(e));
        }
        CompiledPlugin compiled = new CompiledPlugin(manifest, folder, machine.module(), machine.machineFactory(),
                wasiImports, ModuleInspector.exports(module).containsKey(ModuleInspector.EXPORT_INITIALIZE),
                wasm.length, (System.nanoTime() - started) / 1_000_000);
        // In lazy mode nothing runs yet: the first execution instantiates, compiles and checks the ABI.
        PluginInstance warm = lazy ? null : probe(watchdog, compiled);
        return new Loaded(new CompiledPlugin(manifest, folder, machine.module(), machine.machineFactory(), wasiImports,
                compiled.hasInitialize(), wasm.length, (System.nanoTime() - started) / 1_000_000), warm);
    }

    /**
     * The compiled classes of a disk entry, made usable; {@code null} if they cannot be (the entry is then
     * dropped and the caller compiles as if there had been none).
     */
    private CompileCache.Compiled fromDisk(String id, String checksum, WasmModule module, byte[] classes) {
        try {
            return compileCache.compile(checksum, module, classes);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Plugin {}: its compile cache entry could not be used ({}); compiling it again", id, e.toString());
            compileCache.discard(checksum);
            return null;
        }
    }

    /** Parses and validates the module; anything wrong with it is WASM_INVALID. */
    static WasmModule parse(String id, byte[] wasm) throws PluginException {
        try {
            return Parser.parse(wasm);
        } catch (RuntimeException | StackOverflowError e) {
            throw invalidModule(id, e);
        }
    }

    /**
     * Parses a module this installation compiled before (its compiled classes are at hand), without
     * validating it again or decoding its code section; see {@link #withoutCode}.
     */
    static WasmModule parseWithoutCode(String id, byte[] wasm, String checksum) throws PluginException {
        try {
            return withoutCode(wasm, checksum);
        } catch (RuntimeException | StackOverflowError e) {
            throw invalidModule(id, e);
        }
    }

    private static PluginException invalidModule(String id, Throwable e) {
        return new PluginException(ErrorCode.WASM_INVALID, id,
                WASM_FILE + " is not a valid WebAssembly module: " + describe(e));
    }

    /**
     * The module with every section but code, which is not even decoded; in its place one body per
     * function that traps at once. Only for a module whose compiled classes are at hand: they never
     * look at the bodies (the compiler falls back to the interpreter for no function: InterpreterFallback.FAIL).
     */
    private static WasmModule withoutCode(byte[] wasm, String checksum) {
        Parser.Builder parser = Parser.builder().withValidation(false);
        for (int section : SECTIONS_BUT_CODE) {
            parser.includeSectionId(section);
        }
        WasmModule.Builder module = WasmModule.builder().withValidation(false).withDigest(checksum);
        int[] functions = {0};
        parser.build().parse(new ByteArrayInputStream(wasm), section -> {
            if (section instanceof CustomSection s) {
                module.addCustomSection(s.name(), s);
            } else if (section instanceof TypeSection s) {
                module.setTypeSection(s);
            } else if (section instanceof ImportSection s) {
                module.setImportSection(s);
            } else if (section instanceof FunctionSection s) {
                module.setFunctionSection(s);
                functions[0] = s.functionCount();
            } else if (section instanceof TableSection s) {
                module.setTableSection(s);
            } else if (section instanceof MemorySection s) {
                module.setMemorySection(s);
            } else if (section instanceof GlobalSection s) {
                module.setGlobalSection(s);
            } else if (section instanceof ExportSection s) {
                module.setExportSection(s);
            } else if (section instanceof StartSection s) {
                module.setStartSection(s);
            } else if (section instanceof ElementSection s) {
                module.setElementSection(s);
            } else if (section instanceof DataSection s) {
                module.setDataSection(s);
            } else if (section instanceof DataCountSection s) {
                module.setDataCountSection(s);
            } else if (section instanceof TagSection s) {
                module.setTagSection(s);
            }
        });
        CodeSection.Builder standIn = CodeSection.builder();
        for (int i = 0; i < functions[0]; i++) {
            standIn.addFunctionBody(TRAPPING_BODY);
        }
        return module.setCodeSection(standIn.build()).build();
    }

    /**
     * Instantiates the plugin once, under its deadline, and asks its ABI version: proof that the module
     * starts and speaks our ABI before anything is registered.
     */
    static PluginInstance probe(Watchdog watchdog, CompiledPlugin compiled) throws PluginException {
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
