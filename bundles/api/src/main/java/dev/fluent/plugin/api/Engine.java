package dev.fluent.plugin.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A loaded plugin, registered as an OSGi service while it is loaded. Look it up like any other service,
 * filtering on {@link #PLUGIN_ID} or {@link #ENGINE_TYPE}.
 *
 * <p>Thread-safe: the platform runs every call in its own sandboxed instance.
 */
@ProviderType
public interface Engine {

    /** Service property: the plugin id (the manifest's {@code name}). */
    String PLUGIN_ID = "plugin.id";
    /** Service property: the manifest's {@code engine_type}. */
    String ENGINE_TYPE = "engine.type";
    /** Service property: the manifest's {@code version}. */
    String PLUGIN_VERSION = "plugin.version";

    String pluginId();

    String engineType();

    /**
     * Runs one request through the plugin.
     *
     * @throws PluginException with the {@link ErrorCode} of what went wrong (timeout, memory limit, trap,
     *         the plugin's own error …); the plugin and the platform keep serving afterwards
     */
    EngineResponse execute(EngineRequest request) throws PluginException;

    /**
     * Runs one request through the plugin without blocking the caller: the execution {@link #execute} does,
     * on a thread of a bounded executor the platform owns.
     *
     * <p><b>Same path.</b> Everything {@link #execute} does, it does: the same checks (request size, the
     * plugin's rate limit, its grant), the same limits ({@code max_execution_time_ms}, {@code max_memory_mb},
     * the stack, at most 8 executions of one plugin at a time, a clean instance for every request), the same
     * {@link AuditActions#EXECUTE} audit entry and the same statistics. The deadline runs from the moment the
     * execution starts on the platform's thread; time spent waiting in the queue does not count against it.
     * Like {@link #execute}, it runs on the version of the plugin loaded when it starts: a request queued
     * across a reload runs on the new version, one queued across an unload fails with {@link
     * ErrorCode#UNLOADED}.
     *
     * <p><b>Bounded.</b> Asynchronous executions of all plugins share a fixed number of platform threads and
     * a bounded queue. When the queue is full the call does not wait: the stage it returns has already
     * completed exceptionally with {@link ErrorCode#BUSY}.
     *
     * <p><b>Outcome.</b> The stage completes normally with the plugin's response, or exceptionally with a
     * {@link PluginException} carrying the {@link ErrorCode} {@link #execute} would have thrown for the same
     * request ({@link ErrorCode#TIMEOUT}, {@link ErrorCode#MEMORY_LIMIT}, {@link ErrorCode#STACK_EXHAUSTED},
     * {@link ErrorCode#TRAP}, {@link ErrorCode#PLUGIN_ERROR}, {@link ErrorCode#ACCESS_DENIED}, {@link
     * ErrorCode#RATE_LIMITED}, {@link ErrorCode#BUSY}, {@link ErrorCode#UNLOADED} …), or {@link
     * ErrorCode#BUSY} for a full queue. The {@code PluginException} is the stage's own exception, not wrapped:
     * {@code toCompletableFuture().get()} throws an {@code ExecutionException} and {@code join()} a {@code
     * CompletionException} whose cause it is, {@code exceptionally} and {@code whenComplete} on this stage
     * receive it as is; stages derived from this one receive it wrapped in a {@code CompletionException}, as
     * {@code CompletableFuture} always does. A failure of the execution is never thrown by this method itself.
     *
     * <p><b>Cancellation.</b> Cancelling the stage's future, {@code toCompletableFuture().cancel(true)}, before
     * it completes stops the execution: a request still queued never runs, a guest that is running is
     * interrupted as at its deadline (and its instance discarded). {@code cancel(false)} does the same, since a
     * {@code CompletableFuture} ignores the flag. The stage then completes with a {@code
     * CancellationException}, as {@code cancel} makes it, and the execution is audited and counted in the
     * statistics as failed with {@link ErrorCode#CANCELLED}, its message saying that the caller cancelled it.
     * Cancelling a stage that has completed changes nothing. Completing the future by other means ({@code
     * complete}, {@code completeExceptionally}, {@code orTimeout}) does not stop the execution: it runs to its
     * end or its deadline, and is audited with its own outcome.
     *
     * <p><b>Threads.</b> The stage completes on one of the platform's threads, or on the calling thread when
     * it fails at once (a full queue). Dependent actions attached without an executor ({@code thenApply},
     * {@code whenComplete} …) may run on the platform's thread: keep them short and never block there, or
     * use the {@code …Async} variants with an executor of your own, as those threads are few and serve every
     * plugin. The caller's interrupt status plays no part.
     *
     * <p>Every call that returns a stage leads to exactly one {@link AuditActions#EXECUTE} entry in the audit
     * log, whatever its outcome.
     *
     * @param request the request to run
     * @return a stage that completes with the plugin's response or with a {@link PluginException}
     * @throws NullPointerException when {@code request} is {@code null}
     * @since 1.1
     */
    CompletionStage<EngineResponse> executeAsync(EngineRequest request);
}
