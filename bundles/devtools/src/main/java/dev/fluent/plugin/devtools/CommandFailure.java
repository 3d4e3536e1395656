package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;

/**
 * How a command of the platform's front ends fails: its message is the one line shown for the failure (it
 * starts with the stable error code when there is one), and the command ends with a failure status. The Karaf
 * shell shows it as the command's error, plain and without logging it at ERROR (the shell bundle's
 * {@code PlatformAction}); the {@code fluent-plugin} command line prints it on standard error and exits with
 * status 1.
 *
 * <p>The line stays one line whatever the message quotes (a file name, a plugin's error text): line breaks
 * and other control characters are escaped, so scripts can read the code from the start of the line.
 */
public final class CommandFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failure with the platform's code and message: {@code CODE: message}. */
    public CommandFailure(PluginException cause) {
        this(cause.toString());
    }

    public CommandFailure(String line) {
        super(SafeText.escape(line), null, false, false);
    }
}
