package dev.fluent.plugin.api;

import java.util.Objects;

/** A failure with a stable {@link ErrorCode} and a message that names what went wrong and how to fix it. */
public class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String pluginId;
    private final String pluginCode;

    public PluginException(ErrorCode code, String pluginId, String message) {
        this(code, pluginId, message, null, null);
    }

    public PluginException(ErrorCode code, String pluginId, String message, Throwable cause) {
        this(code, pluginId, message, null, cause);
    }

    public PluginException(ErrorCode code, String pluginId, String message, String pluginCode, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.pluginId = pluginId;
        this.pluginCode = pluginCode;
    }

    public ErrorCode code() {
        return code;
    }

    /** The plugin concerned, or {@code null} when none is known yet (a manifest that did not parse). */
    public String pluginId() {
        return pluginId;
    }

    /** For {@link ErrorCode#PLUGIN_ERROR}: the error code the plugin itself returned; else {@code null}. */
    public String pluginCode() {
        return pluginCode;
    }

    /** {@code CODE: message}, the one line the shell prints. */
    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
