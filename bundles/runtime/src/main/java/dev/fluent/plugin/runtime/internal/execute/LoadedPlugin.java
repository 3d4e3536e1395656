package dev.fluent.plugin.runtime.internal.execute;

import com.dylibso.chicory.wasm.types.FunctionType;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.WarmupReport;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.Faults;
import dev.fluent.plugin.runtime.internal.abi.GuestMemory;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders.Served;
import dev.fluent.plugin.runtime.internal.host.HostImports;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * A registered plugin: its compiled form plus what changes while it serves (counters, the gate on
 * concurrent executions). Every execution of the plugin, through its Engine service or the registry,
 * comes through {@link #execute}.
 */
public final class LoadedPlugin {

    private static final BooleanSupplier NEVER_CANCELLED = () -> false;

    /** Instances (so concurrent executions) of one plugin unless {@code pool_size} says otherwise. */
    public static final int MAX_INSTANCES = MemoryBudget.DEFAULT_POOL_SIZE;

    private final CompiledPlugin compiled;
    private final Instant loadedAt;
    private final long loadMillis;
    private final WarmupReport warmup;
    private final Watchdog watchdog;
    private final StatisticsRecorder statistics;
    private final InstancePool pool;
    private final Auditor auditor;
    private final GuestOutput pluginLog;
    private final ExecutionServices services;
    /**
     * The capabilities, by name, whose providers the plugin needs: the standard ones its {@code fluent} imports
     * belong to, and every capability outside the standard eight its manifest declares.
     */
    private final Set<String> needed;
    /** The module's imports outside {@code fluent} and WASI, by key, checked against the providers at admission. */
    private final Map<String, FunctionType> extensionImports;
    private final RateLimiter rateLimiter = new RateLimiter();
    /** The grant under the policy last seen; computed again when the policy changes. */
    private volatile GrantUnder grantUnder;

    private record GrantUnder(Object policyState, Grant grant) {
    }
    private volatile boolean unloaded;
    /** Whether an instance has answered fluent_abi_version yet (at load, unless loaded lazily). */
    private volatile boolean abiChecked;
    /** The version that replaced this one; executions that raced the swap run there. */
    private volatile LoadedPlugin successor;
    /** This version's share of the memory budget, released when it is unloaded or replaced. */
    private volatile MemoryBudget.Reservation memory;
    /**
     * What an execution that ran the heap out becomes when even a new exception cannot be made: made at load,
     * when there is room, so that failure can always be reported.
     */
    private final PluginException heapExhausted;

    /**
     * @param warm an instance already made (at load), handed to the pool, or {@code null}
     * @param loadMillis how long its load took
     * @param warmup what its load's warm-up did, or {@code null} for none
     * @param services the watchdog, audit, capability providers and policy, consulted per execution
     */
    public LoadedPlugin(CompiledPlugin compiled, PluginInstance warm, long loadMillis, WarmupReport warmup,
            Instant loadedAt, ExecutionServices services, StatisticsRecorder statistics) {
        this.loadMillis = loadMillis;
        this.warmup = warmup;
        this.services = services;
        this.watchdog = services.watchdog();
        this.auditor = services.auditor();
        Set<String> needs = new TreeSet<>(HostImports.needed(compiled.module()));
        needs.addAll(compiled.manifest().extensionCapabilities());
        this.needed = Set.copyOf(needs);
        Map<String, FunctionType> imports = new HashMap<>(HostImports.hostImports(compiled.module()));
        imports.keySet().removeIf(key -> key.indexOf('.') < 0);
        this.extensionImports = Map.copyOf(imports);
        this.compiled = compiled;
        this.statistics = statistics;
        this.loadedAt = loadedAt;
        this.pool = new InstancePool(compiled.id(), services.memory().poolSize());
        this.heapExhausted = heapExhausted(compiled.id());
        services.idle().watch(pool);
        if (warm != null) {
            pool.offer(warm);
            abiChecked = true;
        }
        // Guest stdout/stderr reach the log only with LoggingAccess: a plugin without it computes silently.
        this.pluginLog = compiled.manifest().requests(Capability.LOGGING_ACCESS)
                ? new GuestOutput(LoggerFactory.getLogger("dev.fluent.plugin.guest." + compiled.id()))
                : null;
    }

    public String id() {
        return compiled.id();
    }

    public CompiledPlugin compiled() {
        return compiled;
    }

    /** Whether the plugin needs a provider of the capability of that name (it imports or declares it). */
    public boolean needs(String capability) {
        return needed.contains(capability);
    }

    /** The capabilities, by name, whose providers the plugin needs. */
    public Set<String> neededCapabilities() {
        return needed;
    }

    /** Holds {@code reservation} (may be {@code null}) until this version is unloaded or replaced. */
    public void holdMemory(MemoryBudget.Reservation reservation) {
        memory = reservation;
        if (unloaded && reservation != null) {
            reservation.release();
        }
    }

    /** New executions fail with UNLOADED; those in flight finish on their instances. */
    public void markUnloaded() {
        unloaded = true;
        pool.close();
        services.idle().forget(pool);
        MemoryBudget.Reservation held = memory;
        if (held != null) {
            held.release();
        }
    }

    /** The bytes of the memory budget this version holds; 0 if it holds none. */
    public long reservedBytes() {
        MemoryBudget.Reservation held = memory;
        return held == null ? 0 : held.bytes();
    }

    /**
     * This version was replaced: executions in flight finish here, any that arrive late (they read the
     * old version just before the swap) run on the successor, so a reload fails no request.
     */
    public void retire(LoadedPlugin next) {
        successor = next;
        markUnloaded();
    }

    public EngineResponse execute(EngineRequest request) throws PluginException {
        return execute(request, NEVER_CANCELLED);
    }

    /**
     * @param cancelled whether the caller gave up on this execution; once it has, an execution that ends in a
     *        failure (its thread was interrupted to stop the guest) ends with {@code CANCELLED}
     */
    public EngineResponse execute(EngineRequest request, BooleanSupplier cancelled) throws PluginException {
        LoadedPlugin next = successor;
        if (next != null) {
            return next.execute(request, cancelled);
        }
        String id = id();
        String requestId = RequestIds.next();
        // Starts the duration and the rate bucket's refill alike (each clock read costs tens of nanoseconds on a
        // virtual machine), and the deadline too unless admission may have waited (see admit).
        long started = System.nanoTime();
        Execution ctx = new Execution(id, requestId, pluginLog);
        try {
            EngineResponse response = run(request, ctx, cancelled, started);
            long ended = System.nanoTime();
            statistics.record(ended - started, ended, null, ctx);
            auditor.success(id, AuditActions.EXECUTE, requestId, ctx.auditDetails(ended - started), ended);
            return response;
        } catch (PluginException e) {
            LoadedPlugin replacement = successor;
            if (e.code() == ErrorCode.UNLOADED && replacement != null) {
                return replacement.execute(request, cancelled);
            }
            throw failed(e, started, requestId, ctx);
        } catch (OutOfMemoryError e) {
            // Outside the guest (the platform's own steps around it); run() handles those inside.
            throw failed(heapExhausted(e), started, requestId, ctx);
        }
    }

    /** A failed execution, counted and audited. */
    private PluginException failed(PluginException e, long started, String requestId, Execution ctx) {
        long ended = System.nanoTime();
        statistics.record(ended - started, ended, e.code(), ctx);
        auditor.failure(id(), AuditActions.EXECUTE, requestId, e, ctx.auditDetails(ended - started), ended);
        return e;
    }

    private static PluginException heapExhausted(String id) {
        return new PluginException(ErrorCode.MEMORY_LIMIT, id, "the JVM's heap ran out while plugin " + id
                + " ran, and its instance was discarded; lower its max_memory_mb or pool_size, or give the JVM more"
                + " heap (JAVA_MAX_MEM, -Xmx)");
    }

    /**
     * The failure an {@code OutOfMemoryError} becomes. By now the instance is let go, so a new exception can
     * usually be made; if even that fails, the one made at load is reported.
     */
    private PluginException heapExhausted(OutOfMemoryError error) {
        try {
            return new PluginException(ErrorCode.MEMORY_LIMIT, id(), heapExhausted.getMessage(), error);
        } catch (OutOfMemoryError stillNone) {
            return heapExhausted;
        }
    }

    /**
     * An execution that never ran (the asynchronous executor was full, or it was cancelled while it waited):
     * counted and audited as failed.
     */
    void refused(PluginException reason) {
        statistics.record(0, System.nanoTime(), reason.code(), null);
        auditor.failure(id(), AuditActions.EXECUTE, RequestIds.next(), reason, Map.of());
    }

    /** One execution on a pooled instance, on this thread, under the plugin's deadline. */
    private EngineResponse run(EngineRequest request, Execution ctx, BooleanSupplier cancelled, long started)
            throws PluginException {
        String id = id();
        if (unloaded) {
            throw new PluginException(ErrorCode.UNLOADED, id, "plugin " + id + " was unloaded");
        }
        try {
            Faults.checkCallerNotInterrupted(id);
        } catch (PluginException e) {
            // A cancel that arrives as an asynchronous execution starts interrupts it before the guest runs.
            throw cancelled.getAsBoolean() ? cancelledBy(id) : e;
        }
        // Every policy may refuse this one execution (audited as its failure, naming the policy).
        services.policy().checkExecution(compiled.manifest());
        Grant grant = grant();
        long timeoutMillis = grant.permissions().maxExecutionTimeMs();
        long admitted = admit(grant, ctx, timeoutMillis, started);
        Watchdog.Deadline deadline = watchdog.arm(timeoutMillis, admitted);
        PluginInstance instance = null;
        boolean slot = false;
        boolean reusable = false;
        EngineResponse response = null;
        Throwable failure = null;
        try {
            instance = pool.borrowBefore(deadline.deadlineNanos());
            slot = true;
            if (instance == null) {
                instance = PluginInstance.create(compiled, ctx);
                if (!abiChecked) {
                    // Loaded lazily: this first instance is the proof the module starts and speaks our ABI.
                    Abi.checkVersion(id, instance.abiVersion());
                    abiChecked = true;
                }
            }
            response = instance.call(request, ctx);
            reusable = true;
        } catch (PluginException e) {
            // The guest answered with an error of its own, through the ABI: it is in a sound state.
            reusable = e.code() == ErrorCode.PLUGIN_ERROR;
            failure = e;
        } catch (Throwable t) {
            failure = t;
        }
        boolean fired = watchdog.disarm(deadline);
        if (instance != null) {
            ctx.memoryUsed(GuestMemory.size(instance.memory()));
        }
        if (slot) {
            if (reusable && !fired) {
                pool.release(instance);
            } else {
                pool.discard();
            }
        }
        if (failure == null) {
            return response;
        }
        OutOfMemoryError heap = Faults.outOfMemory(failure);
        if (heap != null) {
            // Nothing may allocate before the instance, whose memory is most likely what filled the heap, is
            // unreachable: it was discarded above, and this frame lets it go now.
            instance = null;
            failure = null;
            throw heapExhausted(heap);
        }
        if (cancelled.getAsBoolean()) {
            throw cancelledBy(id);
        }
        if (failure instanceof PluginException pe && !fired) {
            throw pe;
        }
        throw Faults.failure(id, failure, fired, timeoutMillis, instance == null ? null : instance.memory(),
                compiled.manifest().permissions().maxMemoryMb());
    }

    private static PluginException cancelledBy(String id) {
        return new PluginException(ErrorCode.CANCELLED, id, "the execution was cancelled by its caller;"
                + " the plugin was stopped");
    }

    /** The plugin's grant: its manifest ∩ every policy as it is now. */
    private Grant grant() {
        Object state = services.policyState();
        if (state == null) {
            return services.policy().grant(compiled.manifest());
        }
        GrantUnder cached = grantUnder;
        if (cached == null || cached.policyState() != state) {
            cached = new GrantUnder(state, services.policy().grant(compiled.manifest()));
            grantUnder = cached;
        }
        return cached.grant();
    }

    /**
     * The capability checks before guest code runs: every provider the plugin needs is running (else it is
     * suspended), the rate limit has room; then the execution gets its host functions under {@code grant}.
     *
     * @return when the execution was admitted: its deadline counts from there, so neither a policy's check nor a
     *     rate authority's round trip across the cluster shortens the guest's time
     */
    private long admit(Grant grant, Execution ctx, long timeoutMillis, long started) throws PluginException {
        String id = id();
        String missing = services.providers().unavailable(needed, grant);
        if (missing != null) {
            throw new PluginException(ErrorCode.CAPABILITY_UNAVAILABLE, id, "capability " + missing
                    + " unavailable: no provider of it is running, so plugin " + id + " is suspended until one"
                    + " starts (" + (Capability.isExtensionName(missing)
                            ? "the bundle that registers a CapabilityProvider for " + missing + ", see docs/extending.md"
                            : "Karaf feature fluent-plugin-host-…, see docs/capabilities.md") + ")");
        }
        Map<String, Served> definitions = services.providers().definitions(needed, grant);
        HostImports.checkServed(id, extensionImports, definitions);
        int rate = grant.permissions().rateLimitRequestsPerMinute();
        long waitMillis = services.acquireRate(rateLimiter, id, rate, started);
        if (waitMillis > 0) {
            throw new PluginException(ErrorCode.RATE_LIMITED, id, "rate limited: plugin " + id + " may run " + rate
                    + " times per minute (rate_limit_requests_per_minute); retry in " + waitMillis + " ms");
        }
        // The clock is read again only where admission may have waited: on a policy of another bundle, or on a
        // rate authority across the cluster. The built-in policy and this node's buckets answer within a microsecond.
        long admitted = services.admitsAtOnce() ? started : System.nanoTime();
        ctx.admit(grant, definitions, auditor, admitted + timeoutMillis * 1_000_000);
        return admitted;
    }

    public StatisticsRecorder statistics() {
        return statistics;
    }

    public PluginInfo info() {
        return new PluginInfo(compiled.manifest(), compiled.source(), loadedAt, compiled.moduleBytes(),
                loadMillis, statistics.executions(), statistics.failures(), compiled.interpretedFunctions().getAsInt(),
                services.providers().unavailable(needed, grant()), warmup);
    }
}
