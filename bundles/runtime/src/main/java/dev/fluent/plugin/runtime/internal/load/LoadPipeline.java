package dev.fluent.plugin.runtime.internal.load;

import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.WarmupReport;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.compile.ModuleReader;
import dev.fluent.plugin.runtime.internal.execute.MemoryBudget;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load path (design §5), one ordered list of named steps:
 *
 * <ol>
 * <li>{@code manifest}: read and parse {@code manifest.json} (strict);</li>
 * <li>{@code validity}: {@code created_at} / {@code expires_at};</li>
 * <li>{@code module file}: read {@code plugin.wasm};</li>
 * <li>{@code checksum}: the module is the one the manifest names;</li>
 * <li>{@code signature}: the manifest verifies against a trusted key ({@link TrustGate});</li>
 * <li>{@code identity}: the id's owner signed it and it is not older than a version accepted before
 * ({@link #checkIdentityWith});</li>
 * <li>{@code module}: parse and validate the module (skipped or shortened on a compile cache hit);</li>
 * <li>{@code imports and exports}: what the module imports is offered and declared, it exports the ABI;</li>
 * <li>{@code policy}: the operator's {@link PolicyService} allows the manifest, before anything costly;</li>
 * <li>{@code providers}: every capability outside the standard eight that the manifest declares has a running
 * provider, or the operator lets the plugin wait for one (skipped where no provider runs);</li>
 * <li>{@code memory}: the plugin's worst case fits the {@link MemoryBudget} of the heap (skipped without one);</li>
 * <li>{@code compile}: the machine code, through the {@link CompileCache};</li>
 * <li>{@code start}: a first instance starts and speaks the ABI ({@link StartProbe});</li>
 * <li>{@code warm-up}: the manifest's {@code warmup} payloads run on that instance until the JIT has compiled the
 * plugin's code ({@link WarmUp}; once each in {@link #inspect}; skipped without payloads or budget).</li>
 * </ol>
 *
 * {@link #load} stops at the first failure ({@code plugin:load}, reload, the self-test); {@link #inspect}
 * runs every step it can and collects every problem ({@code validate}): there a failed signature, validity
 * or policy step does not keep the module from being compiled and started, every other failure does.
 */
public final class LoadPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(LoadPipeline.class);

    /**
     * A plugin that passed every check, with the instance that proved it starts (the pool's first) and its share
     * of the memory budget ({@code null} without a budget), which whoever registers it holds from then on.
     */
    public record Loaded(CompiledPlugin compiled, PluginInstance warmInstance, long loadMillis,
            MemoryBudget.Reservation memory, WarmupReport warmup) {

        /** What the load's audit entry says of it: its time, and the warm-up's passes and times if it had one. */
        public Map<String, String> auditDetails() {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("load_ms", Long.toString(loadMillis));
            if (warmup != null) {
                details.put("warmup_ms", Long.toString(warmup.millis()));
                details.put("warmup_passes", Integer.toString(warmup.passes()));
                details.put("warmup_first_pass_us", Long.toString(warmup.firstPassMicros()));
                details.put("warmup_last_pass_us", Long.toString(warmup.lastPassMicros()));
                details.put("warmup_settled", Boolean.toString(warmup.settled()));
            }
            return details;
        }
    }

    /** What the steps have learned about one plugin so far; each field is set by one step. */
    public static final class State {
        private final Path folder;
        private final long startedNanos = System.nanoTime();
        private byte[] manifestJson;
        private PluginManifest manifest;
        private byte[] wasm;
        private WasmModule module;
        private List<String> wasiImports;
        private CompileCache.Compiled machine;
        private CompiledPlugin compiled;
        private PluginInstance warm;
        private MemoryBudget.Reservation memory;
        private boolean startBlocked;
        private boolean inspecting;
        private WarmupReport warmup;

        State(Path folder, byte[] manifestJson, byte[] wasm) {
            this.folder = folder;
            this.manifestJson = manifestJson;
            this.wasm = wasm;
        }

        public PluginManifest manifest() {
            return manifest;
        }

        /** The parsed module: validated, or compiled and so validated by this installation before. */
        public WasmModule module() {
            return module;
        }

        public byte[] wasm() {
            return wasm;
        }

        /** What the warm-up did; {@code null} if there was none. */
        public WarmupReport warmup() {
            return warmup;
        }

        /** Functions of the module the interpreter runs; -1 if it was not compiled (or only deferred). */
        public int interpretedFunctions() {
            return machine == null ? -1 : machine.interpretedFunctions().getAsInt();
        }

        private String id() {
            return manifest == null ? null : manifest.name();
        }
    }

    private interface Action {
        void run(State state) throws PluginException;
    }

    /** A check of a manifest that passed its signature step. */
    public interface ManifestCheck {
        void check(PluginManifest manifest) throws PluginException;
    }

    /**
     * @param blocksStart in {@link #inspect}: whether a failure keeps the later compile and start steps from
     *        running (a module that is not the signed one, or not valid, must not run even in a check)
     */
    private record Step(String name, boolean blocksStart, Predicate<State> ready, Action action) {
    }

    private final ManifestParser parser;
    private final TrustGate trust;
    private final CompileCache compileCache;
    private final Watchdog watchdog;
    private final Supplier<PolicyService> policy;
    private final Clock clock;
    private final List<Step> steps;
    /** Lazy mode: compile on first use instead of at load. */
    private volatile boolean lazy;
    /** The identity step's check, or {@code null} where plugins have no lasting identity (a sandbox). */
    private volatile ManifestCheck identity;
    /** What a plugin's worst case is reserved from; {@code null}: no admission (checks, the self-test). */
    private volatile MemoryBudget budget;
    /** The providers running now, for imports of capabilities outside the standard eight; {@code null}: none. */
    private volatile CapabilityProviders offered;
    /** The providers step's check; {@code null} where no provider runs (checks, the sandbox, the self-test). */
    private volatile ManifestCheck served;
    /** The most a load's warm-up may take; 0: none. */
    private volatile long warmupBudgetMillis = WarmUp.DEFAULT_BUDGET_MILLIS;

    /**
     * @param trust the signature step, or {@code null} for a plugin that is part of the platform itself (the
     *        self-test's), whose signature is not checked
     * @param policy the operator's policy in force at the time of a load
     */
    public LoadPipeline(ManifestParser parser, TrustGate trust, CompileCache compileCache, Watchdog watchdog,
            Supplier<PolicyService> policy, Clock clock) {
        this.parser = parser;
        this.trust = trust;
        this.compileCache = compileCache;
        this.watchdog = watchdog;
        this.policy = policy;
        this.clock = clock;
        this.steps = List.of(
                new Step("manifest", true, s -> true, this::readManifest),
                new Step("validity", false, s -> s.manifest != null,
                        s -> IntegrityChecks.checkValidity(s.manifest, clock.instant())),
                new Step("module file", true, s -> s.wasm != null || Files.isDirectory(s.folder), this::readModule),
                new Step("checksum", true, s -> s.manifest != null && s.wasm != null,
                        s -> IntegrityChecks.checkChecksum(s.manifest, s.wasm)),
                new Step("signature", false, s -> s.manifest != null && trust != null,
                        s -> trust.check(s.manifest, s.manifestJson)),
                new Step("identity", false, s -> s.manifest != null && identity != null,
                        s -> identity.check(s.manifest)),
                new Step("module", true, s -> s.wasm != null, this::parseModule),
                new Step("imports and exports", true, s -> s.module != null && s.manifest != null,
                        s -> s.wasiImports = ModuleInspector.inspect(s.module, s.manifest, offered)),
                new Step("policy", false, s -> s.manifest != null, s -> policy.get().check(s.manifest)),
                new Step("providers", false, s -> s.manifest != null && served != null, s -> served.check(s.manifest)),
                new Step("memory", true, s -> budget != null && s.wasiImports != null && !s.startBlocked,
                        this::reserveMemory),
                new Step("compile", true, s -> s.wasiImports != null && !s.startBlocked, this::compile),
                new Step("start", true, s -> s.compiled != null && !s.startBlocked && !lazy, this::start),
                new Step("warm-up", true, s -> s.warm != null && !s.manifest.warmup().isEmpty()
                        && (s.inspecting || warmupBudgetMillis > 0), this::warmUp));
    }

    public void setLazy(boolean lazy) {
        this.lazy = lazy;
    }

    /** The most a load spends on the warm-up its manifest declares ({@code warmup_budget_ms}); 0 for none. */
    public void setWarmupBudget(long millis) {
        this.warmupBudgetMillis = Math.max(0, millis);
    }

    /** The identity step: who owns a plugin id, and which versions of it were accepted already. */
    public void checkIdentityWith(ManifestCheck check) {
        this.identity = check;
    }

    /** Admits a load only if its worst case fits {@code budget}; the {@link Loaded} carries the reservation. */
    public void setMemoryBudget(MemoryBudget budget) {
        this.budget = budget;
    }

    /**
     * Checks imports of capabilities outside the standard eight against the providers running now
     * ({@code offered}), and runs {@code served} as the providers step.
     */
    public void offerCapabilities(CapabilityProviders offered, ManifestCheck served) {
        this.offered = offered;
        this.served = served;
    }

    /** The names of the steps, in order. */
    public List<String> stepNames() {
        return steps.stream().map(Step::name).toList();
    }

    /** Every step on the plugin in {@code folder}; the first failure ends the load. */
    public Loaded load(Path folder) throws PluginException {
        return load(new State(folder, null, null));
    }

    /** Every step on a plugin given as bytes ({@code folder} only names it). */
    public Loaded load(Path folder, byte[] manifestJson, byte[] wasm) throws PluginException {
        return load(new State(folder, manifestJson, wasm));
    }

    private Loaded load(State state) throws PluginException {
        try {
            for (Step step : steps) {
                if (step.ready().test(state)) {
                    step.action().run(state);
                }
            }
        } catch (PluginException | RuntimeException | Error e) {
            if (state.memory != null) {
                state.memory.release(); // a step after the reservation failed: nothing will hold it
            }
            throw e;
        }
        return new Loaded(state.compiled, state.warm, (System.nanoTime() - state.startedNanos) / 1_000_000,
                state.memory, state.warmup);
    }

    /** What {@link #inspect} found: the state the steps reached and every problem, in step order. */
    public record Inspected(State state, List<PluginException> problems) {
    }

    /** Every step that can run on the plugin in {@code folder}, each problem collected. Registers nothing. */
    public Inspected inspect(Path folder) {
        State state = new State(folder, null, null);
        state.inspecting = true;
        List<PluginException> problems = new ArrayList<>();
        for (Step step : steps) {
            if (!step.ready().test(state)) {
                continue;
            }
            try {
                step.action().run(state);
            } catch (PluginException e) {
                problems.add(e);
                state.startBlocked |= step.blocksStart();
            }
        }
        return new Inspected(state, problems);
    }

    private void readManifest(State s) throws PluginException {
        if (s.manifestJson == null) {
            s.manifestJson = PluginFiles.manifest(s.folder);
        }
        s.manifest = parser.parse(s.manifestJson);
    }

    private void readModule(State s) throws PluginException {
        if (s.wasm == null) {
            s.wasm = PluginFiles.module(s.folder, s.id());
        }
    }

    /**
     * A module compiled in this run already is not parsed at all; one this installation compiled before (its
     * classes are in the disk cache, so it was validated then; CompileCache says why that is sound) is parsed
     * without its code section, which its compiled classes replace.
     */
    private void parseModule(State s) throws PluginException {
        String checksum = s.manifest == null || s.startBlocked ? null : s.manifest.checksum();
        CompileCache.Lookup cached = checksum == null ? null : compileCache.lookup(checksum);
        if (cached != null && cached.memory() != null) {
            s.module = cached.memory().module();
            s.machine = lazy ? null : cached.memory();
        } else if (cached != null && cached.diskClasses() != null && !lazy) {
            s.module = ModuleReader.parseWithoutCode(s.id(), s.wasm, checksum);
            s.machine = fromDisk(s.id(), checksum, s.module, cached.diskClasses());
            if (s.machine == null) {
                s.module = ModuleReader.parse(s.id(), s.wasm); // the entry was unusable: the whole module after all
            }
        } else {
            s.module = ModuleReader.parse(s.id(), s.wasm);
        }
    }

    private void compile(State s) throws PluginException {
        String checksum = s.manifest.checksum();
        try {
            if (lazy) {
                s.machine = compileCache.deferred(checksum, s.module);
            } else if (s.machine == null) {
                s.machine = compileCache.compile(checksum, s.module);
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new PluginException(ErrorCode.COMPILE_FAILED, s.id(), "the module could not be compiled: "
                    + ModuleReader.describe(e));
        }
        s.compiled = new CompiledPlugin(s.manifest, s.folder, s.machine.module(), s.machine.machineFactory(),
                s.wasiImports, ModuleInspector.exports(s.module).containsKey(Abi.EXPORT_INITIALIZE), s.wasm.length,
                s.machine.interpretedFunctions());
    }

    /**
     * The worst case: each instance of the pool with its memory at the smaller of the module's own maximum and
     * max_memory_mb, plus the compiled code; reserved before anything is compiled, so a refused plugin costs
     * no compilation.
     */
    private void reserveMemory(State s) throws PluginException {
        int maxMemoryMb = s.manifest.permissions().maxMemoryMb();
        long pages = (long) maxMemoryMb * 16;
        var memories = s.module.memorySection();
        if (memories.isPresent() && memories.get().memoryCount() == 1) {
            pages = Math.min(pages, memories.get().getMemory(0).limits().maximumPages());
        }
        s.memory = budget.reserve(s.id(), maxMemoryMb, pages, s.wasm.length);
    }

    /** In lazy mode nothing runs yet: the first execution instantiates, compiles and checks the ABI. */
    private void start(State s) throws PluginException {
        s.warm = StartProbe.start(watchdog, s.compiled);
    }

    /**
     * Until the time per pass settles or the budget runs out; in {@link #inspect} one pass, which checks that every
     * payload runs. An instance the warm-up left unable to reset is not handed to the pool.
     */
    private void warmUp(State s) throws PluginException {
        WarmUp.Result result = WarmUp.run(watchdog, s.compiled, s.warm, warmupBudgetMillis, s.inspecting);
        s.warmup = result.report();
        if (!result.instanceUsable()) {
            s.warm = null;
        }
        if (!s.inspecting) {
            LOG.info("Plugin {}: warm-up of {}", s.id(), s.warmup.summary());
        }
    }

    /**
     * The compiled classes of a disk entry, made usable; {@code null} if they cannot be (the entry is then
     * dropped and the module compiled as if there had been none).
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
}
