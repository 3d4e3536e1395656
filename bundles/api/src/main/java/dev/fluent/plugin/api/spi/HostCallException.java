package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import java.util.Objects;

/**
 * Thrown by a {@link HostFunctionHandler} to end the current execution, and only it, with an error code
 * and a message that names what was refused and why. The caller of the plugin sees a
 * {@link dev.fluent.plugin.api.PluginException} with the same code and message.
 */
public class HostCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public HostCallException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
