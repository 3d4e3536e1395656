package dev.fluent.plugin.api;

/**
 * Stable codes for everything that can go wrong with a plugin. The same code appears in exceptions, in
 * the shell's output and in the audit log, so scripts and auditors can match on it.
 */
public enum ErrorCode {
    // Loading
    /** The plugin folder or archive does not exist or is not readable. */
    PLUGIN_NOT_FOUND,
    /** {@code manifest.json} is missing. */
    MANIFEST_MISSING,
    /** {@code manifest.json} breaks a rule; the message names the field. */
    MANIFEST_INVALID,
    /** {@code plugin.wasm} is missing. */
    WASM_MISSING,
    /** The manifest carries no checksum. */
    CHECKSUM_MISSING,
    /** {@code plugin.wasm} does not match the manifest's checksum. */
    CHECKSUM_MISMATCH,
    /** The plugin has expired. */
    EXPIRED,
    /** The plugin is not valid yet. */
    NOT_YET_VALID,
    /** The plugin is unsigned and signatures are required (development mode is off). */
    SIGNATURE_MISSING,
    /**
     * The signature cannot be used as one: its base64 does not decode, or its length does not fit its
     * algorithm (a truncated signature, for instance).
     */
    SIGNATURE_MALFORMED,
    /**
     * The signature does not match the manifest: a signed field (capabilities, permissions, expiry, checksum
     * …) was changed after signing, or the signature was made over something else.
     */
    SIGNATURE_INVALID,
    /** The signature names an algorithm the platform does not know. */
    ALGORITHM_UNKNOWN,
    /** The signature's algorithm is one the platform knows, but no verifier for it is running. */
    ALGORITHM_UNAVAILABLE,
    /** The key that signed the plugin is not among the trusted keys. */
    KEY_UNTRUSTED,
    /** The key that signed the plugin has been revoked. */
    KEY_REVOKED,
    /** The key is weaker than the platform accepts (an RSA key below 3072 bits). */
    KEY_TOO_WEAK,
    /** A key or key file cannot be used: not PEM, not the kind of key expected, an unsupported algorithm. */
    KEY_INVALID,
    /** {@code plugin.wasm} is not a valid WebAssembly module, or is too large. */
    WASM_INVALID,
    /** The module imports something the platform does not offer to it. */
    IMPORT_NOT_ALLOWED,
    /** The module does not export the ABI the platform speaks. */
    ABI_MISMATCH,
    /** The module could not be compiled. */
    COMPILE_FAILED,
    /** A plugin with that id is loaded already. */
    ALREADY_LOADED,
    /**
     * The plugin's worst case of memory (its {@code max_memory_mb} times its pool of instances, plus its compiled
     * code) does not fit in what the operator's memory budget of the heap has left. The message gives the
     * figures and what to change. Since 1.2.
     */
    INSUFFICIENT_MEMORY,
    /** No plugin with that id is loaded. */
    NOT_LOADED,

    // Executing
    /** The request itself is unusable (too large, for instance). */
    BAD_REQUEST,
    /** The execution ran past {@code max_execution_time_ms}. */
    TIMEOUT,
    /** The plugin tried to grow its memory past {@code max_memory_mb}. */
    MEMORY_LIMIT,
    /** The plugin recursed too deeply. */
    STACK_EXHAUSTED,
    /** The plugin trapped (unreachable, out-of-bounds access, division by zero …). */
    TRAP,
    /** The plugin called a host function with invalid arguments (a pointer or length outside its memory …). */
    BAD_HOST_CALL,
    /** The plugin broke the ABI: a wild response pointer, a malformed frame, bad JSON. */
    BAD_RESPONSE,
    /** The plugin answered with an error of its own; {@link PluginException#pluginCode()} holds its code. */
    PLUGIN_ERROR,
    /**
     * The plugin's concurrent executions are all in use; or, for {@link Engine#executeAsync} and {@link
     * PluginRegistry#executeAsync}, the platform's queue of asynchronous executions is full. Retry later.
     */
    BUSY,
    /** The plugin was unloaded while the request waited. */
    UNLOADED,
    /**
     * The caller cancelled an asynchronous execution ({@link Engine#executeAsync}, {@link
     * PluginRegistry#executeAsync}) through the returned stage's {@code CompletableFuture}: a guest that was
     * running was interrupted as at its deadline, one still queued never ran. The audit log and the plugin's
     * statistics record the execution as failed with this code, and a message saying that its caller
     * cancelled it ({@code CANCELLED: the caller cancelled request … of plugin … after 120 ms}); the caller
     * itself sees the future's {@code CancellationException}, not this code.
     *
     * @since 1.1
     */
    CANCELLED,
    /**
     * The operator's policy forbids a capability the manifest declares: the plugin is refused at load, or,
     * when the policy changed after it loaded, its call of that capability's host function fails.
     */
    CAPABILITY_NOT_GRANTED,
    /**
     * The operator's policy refuses the plugin for a reason other than a capability or a limit, e.g. it has
     * no {@code expires_at} and the policy requires one; the message names the policy setting.
     *
     * @since 1.1
     */
    POLICY_REFUSED,
    /**
     * The plugin's id belongs to another owner: the key that signed its first accepted version (or the owner
     * the operator declared with {@code owner.<plugin-id>}), and this version is signed by a different key
     * or not at all. The message names both keys; {@code plugin:owner --transfer} moves an id to a new owner.
     *
     * @since 1.2
     */
    OWNER_MISMATCH,
    /**
     * The plugin's version (or, at the same version, its {@code created_at}) is older than one this platform
     * has already accepted for its id: an old signed version replayed. {@code plugin:rollback} accepts an
     * older version on purpose.
     *
     * @since 1.2
     */
    DOWNGRADE,
    /**
     * The plugin needs a capability whose provider is not running (its bundle is stopped or not installed);
     * the plugin is suspended until the provider starts again.
     */
    CAPABILITY_UNAVAILABLE,
    /**
     * A host function refused what the plugin asked for as outside its grant: a host not in
     * {@code allowed_hosts}, a private address, a path outside {@code allowed_file_paths}, an environment
     * variable the operator does not expose …
     */
    ACCESS_DENIED,
    /** The plugin ran more often than {@code rate_limit_requests_per_minute} allows; retry later. */
    RATE_LIMITED,
    /**
     * The execution went past a limit of its grant: {@code max_network_requests}, {@code max_file_size_mb},
     * the log lines or cache bytes one execution may write …
     */
    LIMIT_EXCEEDED,
    /** A fault of the platform itself; the log has the details. */
    INTERNAL,
    // Plugin sources (PluginSources)
    /**
     * A plugin archive ({@code .zip}, or the file a {@code mvn:} artifact resolved to) is unusable: not a zip, too
     * large, without {@code manifest.json} or {@code plugin.wasm} at its top or in its one folder, or holding one
     * of them twice. The message names the archive and what is wrong.
     * @since 1.3
     */
    ARCHIVE_INVALID,
    /**
     * A {@code mvn:} location did not resolve: malformed, not a {@code zip}, or found in none of the repositories
     * of {@code etc/org.ops4j.pax.url.mvn.cfg}. The message names the artifact and the resolver's answer.
     * @since 1.3
     */
    ARTIFACT_UNAVAILABLE,
    // The cluster (ClusterReports)
    /**
     * A view over the whole cluster was asked for on a node that is not a member now: the cluster feature is not
     * installed, it is off ({@code enabled = false} in {@code etc/dev.fluent.plugin.cluster.cfg}), or the node is
     * still joining. The message says which.
     * @since 1.4
     */
    CLUSTER_UNAVAILABLE
}
