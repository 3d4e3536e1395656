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
    /** The plugin's concurrent executions are all in use. */
    BUSY,
    /** The plugin was unloaded while the request waited. */
    UNLOADED,
    /** A fault of the platform itself; the log has the details. */
    INTERNAL
}
