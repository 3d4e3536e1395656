package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import java.time.Duration;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link HostFunctionHandler} may know and do during one call: the plugin and execution it serves,
 * the plugin's effective grant (manifest ∩ operator policy), bounds-checked access to the guest's memory,
 * per-execution counters, the audit log, and the ways to answer. Valid only during the call, on its thread.
 *
 * <p>Every pointer and length comes from the guest, the adversary of the threat model: the memory methods
 * check them and end the execution with {@link ErrorCode#BAD_HOST_CALL} when one does not fit.
 */
@ProviderType
public interface HostCall {

    /** Status result: what was asked for does not exist (a cache miss, an unset key, a missing file). */
    long NOT_FOUND = -1;

    /** Status result: the operation failed; {@code last_error} returns the message given to {@link #failed}. */
    long FAILED = -2;

    /**
     * The counter of network requests an execution made ({@link #count}); the runtime reports it in the
     * plugin's statistics.
     */
    String NETWORK_REQUESTS = "network.requests";

    /** Most bytes one host call may move between guest and host in either direction (64 MiB). */
    int MAX_TRANSFER_BYTES = 64 * 1024 * 1024;

    /** The plugin id (the manifest's {@code name}). */
    String pluginId();

    /** The id of this execution, as the plugin's request carries it. */
    String requestId();

    /** What the plugin may use now: its manifest's capabilities and permissions, capped by the policy. */
    Grant grant();

    /**
     * Time left before the execution's deadline ({@code max_execution_time_ms}); never negative. Anything
     * that waits (a connection, a read) must wait no longer.
     */
    Duration remainingTime();

    /**
     * Checks that {@code [ptr, ptr + len)} lies inside the guest's memory, without copying.
     *
     * @throws HostCallException {@link ErrorCode#BAD_HOST_CALL} when it does not
     */
    void check(long ptr, long len);

    /**
     * Copies {@code len} bytes at {@code ptr} out of the guest's memory.
     *
     * @throws HostCallException {@link ErrorCode#BAD_HOST_CALL} when the range lies outside memory,
     *         {@link ErrorCode#LIMIT_EXCEEDED} when {@code len} is above {@link #MAX_TRANSFER_BYTES}
     */
    byte[] read(long ptr, long len);

    /**
     * Reads UTF-8 text, as {@link #read} does.
     *
     * @throws HostCallException {@link ErrorCode#BAD_HOST_CALL} also when the bytes are not valid UTF-8
     */
    String readString(long ptr, long len);

    /** Copies bytes into the guest's memory at {@code ptr}; checked as {@link #read} is. */
    void write(long ptr, byte[] bytes);

    /**
     * Hands bytes to the guest: calls its {@code fluent_alloc}, copies the bytes there and returns
     * {@code (len << 32) | ptr}, the value a function of {@link StandardHostFunction} returns. Empty bytes
     * return {@code 0} without allocating.
     *
     * @throws HostCallException {@link ErrorCode#MEMORY_LIMIT} when {@code fluent_alloc} returns 0,
     *         {@link ErrorCode#BAD_HOST_CALL} when it returns a buffer outside memory,
     *         {@link ErrorCode#LIMIT_EXCEEDED} when the bytes are over {@link #MAX_TRANSFER_BYTES}
     */
    long result(byte[] bytes);

    /**
     * Records why the call failed, for the guest's {@code last_error}, and returns {@link #FAILED}. For
     * failures the plugin may handle (a refused connection, a missing folder); a denial of the grant ends
     * the execution instead, through {@link #deny}.
     */
    long failed(String message);

    /**
     * Adds to a counter that lives as long as the execution, e.g. the network requests it made.
     *
     * @return the counter's new value
     */
    long count(String counter, long delta);

    /**
     * Audits one use of the grant (a request sent, a file read): action, resource and details go to the
     * audit log with the plugin and the request id. Resources must not carry secrets (values, bodies).
     * The runtime bounds how many such entries one execution writes and counts the rest.
     *
     * @param action the host function used, one of the names in {@link dev.fluent.plugin.api.AuditActions}
     *        ({@code AuditActions.HTTP_REQUEST} …)
     */
    void audit(String action, String resource, Map<String, String> details);

    /**
     * Audits a denial and returns the exception that ends the execution with it:
     * {@code throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.HTTP_REQUEST, url, "host x is not allowed")}.
     * A provider that refuses only part of a call and lets the execution go on (a log line dropped by a
     * rate cap) audits through this method without throwing.
     *
     * @param code {@link ErrorCode#ACCESS_DENIED}, {@link ErrorCode#LIMIT_EXCEEDED} …
     * @param action the function or operation refused, as in {@link #audit}
     * @param resource what was refused (a host, a path, a variable name), or {@code null}
     * @param message what was refused, why, and what would allow it
     */
    HostCallException deny(ErrorCode code, String action, String resource, String message);
}
