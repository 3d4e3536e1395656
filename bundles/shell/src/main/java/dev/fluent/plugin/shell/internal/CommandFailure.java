package dev.fluent.plugin.shell.internal;

import dev.fluent.plugin.api.PluginException;

/**
 * What a command throws to fail: Karaf prints its message as the one line the operator sees, and the
 * command ends with a failure status. The message starts with the stable error code.
 */
final class CommandFailure extends Exception {

    private static final long serialVersionUID = 1L;

    CommandFailure(PluginException cause) {
        super(cause.toString(), null, false, false);
    }

    CommandFailure(String message) {
        super(message, null, false, false);
    }
}
