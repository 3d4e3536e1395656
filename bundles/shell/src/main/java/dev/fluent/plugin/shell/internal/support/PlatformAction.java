package dev.fluent.plugin.shell.internal.support;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.devtools.CommandFailure;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;

/**
 * A {@code plugin:*} command whose expected failures reach the caller as one plain line, {@code CODE: message},
 * and leave karaf.log alone.
 *
 * <p>Karaf's shell (ShellUtil.logException, on the console and on SSH exec channels) logs any exception a
 * command throws at ERROR with its stack trace and prints "Error executing command: …" in colour, except an
 * exception whose class is named {@code CommandException}: that one is logged at DEBUG and shown as its
 * {@code getNiceHelp()}, verbatim. It matches the simple class name, so a subclass under another name is not
 * recognised: failures are rethrown as Karaf's own {@link CommandException} carrying the plain line as its
 * help. A refused load or an unknown id is the operator's input, not a fault of the platform; a bug (any
 * other exception) still goes to the log at ERROR.
 */
public abstract class PlatformAction implements Action {

    @Override
    public final Object execute() throws Exception {
        try {
            return run();
        } catch (CommandFailure e) {
            throw failure(e.getMessage());
        } catch (PluginException e) {
            throw failure(e.toString());
        }
    }

    /** What the command does; a {@link CommandFailure} or {@link PluginException} ends it as a failure. */
    protected abstract Object run() throws Exception;

    /**
     * The exception Karaf shows as {@code line} alone, without colour or decoration, on one line (control
     * characters, line breaks included, are escaped), and logs at DEBUG only.
     */
    public static CommandException failure(String line) {
        String plain = SafeText.escape(line);
        return new CommandException(plain, plain);
    }
}
