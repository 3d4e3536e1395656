package dev.fluent.plugin.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The Java body of one host function. Called on the execution's worker thread, once per call from the
 * guest; the guest waits until it returns. An implementation must be thread-safe (different plugins call
 * it at once) and must not keep the {@link HostCall} beyond the call.
 */
@ConsumerType
@FunctionalInterface
public interface HostFunctionHandler {

    /**
     * Handles one call.
     *
     * @param call the execution the call belongs to: the guest's memory, the plugin's grant, its limits
     * @param args the guest's arguments, one per parameter in order; an {@link ValueType#I32} argument is in
     *        the low 32 bits (use {@code args[i] & 0xFFFFFFFFL} to read it as unsigned)
     * @return the result for a function with one result; ignored for a function without one
     * @throws HostCallException to end the execution with that exception's error code; any other exception
     *         ends it with {@code INTERNAL}
     */
    long apply(HostCall call, long[] args);
}
