package dev.fluent.plugin.api.spi;

import static dev.fluent.plugin.api.spi.ValueType.I32;
import static dev.fluent.plugin.api.spi.ValueType.I64;

import dev.fluent.plugin.api.Capability;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The host functions of import module {@code fluent} in ABI version 1 (docs/abi.md, section 7): name,
 * type, and the capability a plugin must hold to import it. The runtime checks a module's imports against
 * this list even when no provider of a capability is running, and refuses a provider whose function of the
 * same name has another type.
 *
 * <p>Results: a function returning {@code i64} returns {@code (len << 32) | ptr} of a buffer it obtained
 * from the guest's {@code fluent_alloc} and filled (see {@link HostCall#result}), {@code 0} for success
 * without data, or a negative status: {@link HostCall#NOT_FOUND} or {@link HostCall#FAILED}.
 */
public enum StandardHostFunction {

    /** {@code log(level, msg_ptr, msg_len)}: one line into the plugin's log; level 0 trace … 4 error. */
    LOG("log", Capability.LOGGING_ACCESS, List.of(I32, I32, I32), List.of()),
    /**
     * {@code http_request(head_ptr, head_len, body_ptr, body_len) -> i64}: the head is JSON
     * ({@code method}, {@code url}, {@code headers}), the body raw bytes; the result holds a 4-byte
     * little-endian head length, the response head as JSON ({@code status}, {@code headers}, {@code url}),
     * then the response body.
     */
    HTTP_REQUEST("http_request", Capability.NETWORK_ACCESS, List.of(I32, I32, I32, I32), List.of(I64)),
    /** {@code fs_read(path_ptr, path_len) -> i64}: a whole file. */
    FS_READ("fs_read", Capability.FILE_SYSTEM_READ, List.of(I32, I32), List.of(I64)),
    /** {@code fs_write(path_ptr, path_len, data_ptr, data_len, flags) -> i64}: flags bit 0 appends. */
    FS_WRITE("fs_write", Capability.FILE_SYSTEM_WRITE, List.of(I32, I32, I32, I32, I32), List.of(I64)),
    /** {@code env_get(name_ptr, name_len) -> i64}: an environment variable the operator exposes. */
    ENV_GET("env_get", Capability.ENVIRONMENT_ACCESS, List.of(I32, I32), List.of(I64)),
    /** {@code config_get(key_ptr, key_len) -> i64}: a value of the plugin's own configuration. */
    CONFIG_GET("config_get", Capability.CONFIGURATION_ACCESS, List.of(I32, I32), List.of(I64)),
    /** {@code cache_get(key_ptr, key_len) -> i64}: a value of the plugin's cache. */
    CACHE_GET("cache_get", Capability.CACHE_ACCESS, List.of(I32, I32), List.of(I64)),
    /** {@code cache_put(key_ptr, key_len, value_ptr, value_len, ttl_seconds) -> i64}; ttl 0 is the default. */
    CACHE_PUT("cache_put", Capability.CACHE_ACCESS, List.of(I32, I32, I32, I32, I32), List.of(I64)),
    /** {@code metric(kind, name_ptr, name_len, value) -> i64}: kind 0 counter, 1 gauge, 2 timer (ms). */
    METRIC("metric", Capability.METRICS_ACCESS, List.of(I32, I32, I32, I64), List.of(I64)),
    /**
     * {@code last_error() -> i64}: the message of the last call of this execution that returned
     * {@link HostCall#FAILED}, or 0. Offered by the runtime itself to every plugin; no capability.
     */
    LAST_ERROR("last_error", null, List.of(), List.of(I64));

    private final String functionName;
    private final Capability capability;
    private final List<ValueType> params;
    private final List<ValueType> results;

    StandardHostFunction(String functionName, Capability capability, List<ValueType> params, List<ValueType> results) {
        this.functionName = functionName;
        this.capability = capability;
        this.params = params;
        this.results = results;
    }

    /** The import name in module {@code fluent}. */
    public String functionName() {
        return functionName;
    }

    /** The capability a plugin must declare to import it; empty for {@link #LAST_ERROR}. */
    public Optional<Capability> capability() {
        return Optional.ofNullable(capability);
    }

    public List<ValueType> params() {
        return params;
    }

    public List<ValueType> results() {
        return results;
    }

    /** A definition of this function with its standard name and type. */
    public HostFunctionDefinition define(HostFunctionHandler handler) {
        return new HostFunctionDefinition(functionName, params, results, handler);
    }

    /** The standard function of that import name. */
    public static Optional<StandardHostFunction> named(String name) {
        return Arrays.stream(values()).filter(f -> f.functionName.equals(name)).findFirst();
    }

    /** The standard functions of one capability. */
    public static List<StandardHostFunction> of(Capability capability) {
        return Arrays.stream(values()).filter(f -> f.capability == capability).toList();
    }
}
