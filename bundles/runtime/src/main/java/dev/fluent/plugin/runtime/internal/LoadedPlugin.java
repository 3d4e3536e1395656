package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered plugin: its compiled form plus what changes while it serves (counters, the gate on
 * concurrent executions). Every execution of the plugin, through its Engine service or the registry,
 * comes through {@link #execute}.
 */
final class LoadedPlugin {

    /** Executions one plugin may run at once; one more gets BUSY instead of queueing without bound. */
    static final int MAX_CONCURRENT_EXECUTIONS = 8;

    private static final AtomicLong REQUEST_SEQUENCE = new AtomicLong();
    private static final String REQUEST_PREFIX = Long.toString(System.currentTimeMillis() % 1_000_000, 36) + "-";

    private final CompiledPlugin compiled;
    private final Instant loadedAt;
    private final ExecutionService executions;
    private final Auditor auditor;
    private final Logger pluginLog;
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT_EXECUTIONS);
    private final LongAdder executionCount = new LongAdder();
    private final LongAdder failureCount = new LongAdder();
    private volatile boolean unloaded;

    LoadedPlugin(CompiledPlugin compiled, Instant loadedAt, ExecutionService executions, Auditor auditor) {
        this.compiled = compiled;
        this.loadedAt = loadedAt;
        this.executions = executions;
        this.auditor = auditor;
        // Guest stdout/stderr reach the log only with LoggingAccess: a plugin without it computes silently.
        this.pluginLog = compiled.manifest().requests(dev.fluent.plugin.api.Capability.LOGGING_ACCESS)
                ? LoggerFactory.getLogger("dev.fluent.plugin.guest." + compiled.id())
                : null;
    }

    String id() {
        return compiled.id();
    }

    CompiledPlugin compiled() {
        return compiled;
    }

    void markUnloaded() {
        unloaded = true;
    }

    EngineResponse execute(EngineRequest request) throws PluginException {
        String id = id();
        String requestId = REQUEST_PREFIX + Long.toString(REQUEST_SEQUENCE.incrementAndGet(), 36);
        long started = System.nanoTime();
        executionCount.increment();
        try {
            if (unloaded) {
                throw new PluginException(ErrorCode.UNLOADED, id, "plugin " + id + " was unloaded");
            }
            if (!slots.tryAcquire()) {
                throw new PluginException(ErrorCode.BUSY, id, "plugin " + id + " is already running "
                        + MAX_CONCURRENT_EXECUTIONS + " executions; retry later");
            }
            try {
                ExecutionContext ctx = new ExecutionContext(id, requestId, pluginLog);
                EngineResponse response = executions.run(id, compiled.manifest().permissions().maxExecutionTimeMs(),
                        () -> Sandbox.execute(compiled, request, ctx));
                auditor.success(id, "execute", requestId, Map.of("duration_us", micros(started)));
                return response;
            } finally {
                slots.release();
            }
        } catch (PluginException e) {
            failureCount.increment();
            auditor.failure(id, "execute", requestId, e, Map.of("duration_us", micros(started)));
            throw e;
        }
    }

    PluginInfo info() {
        return new PluginInfo(compiled.manifest(), compiled.source(), loadedAt, compiled.moduleBytes(),
                compiled.loadMillis(), executionCount.sum(), failureCount.sum());
    }

    private static String micros(long startedNanos) {
        return Long.toString((System.nanoTime() - startedNanos) / 1000);
    }
}
