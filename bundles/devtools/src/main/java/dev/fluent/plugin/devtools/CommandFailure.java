package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.PluginException;

/**
 * How a command of the platform's front ends fails: its message is the one line shown for the failure (it
 * starts with the stable error code when there is one), and the command ends with a failure status. The Karaf
 * shell shows it as the command's error; the {@code fluent-plugin} command line prints it on standard error
 * and exits with status 1.
 */
public final class CommandFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failure with the platform's code and message: {@code CODE: message}. */
    public CommandFailure(PluginException cause) {
        super(cause.toString(), null, false, false);
    }

    public CommandFailure(String line) {
        super(line, null, false, false);
    }
}
