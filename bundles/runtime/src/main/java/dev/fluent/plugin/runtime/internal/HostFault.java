package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.ErrorCode;

/**
 * Thrown inside a host function to end the current execution with a specific error code. It travels
 * through Chicory's machine unchanged and {@link FailureClassifier} turns it back into a
 * {@link dev.fluent.plugin.api.PluginException}.
 */
final class HostFault extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    HostFault(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
