package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "security-test", description = "Static and dynamic security findings for a plugin"
        + " folder, and what it called per declared capability (it runs in a sandbox of fake providers, never the"
        + " platform's); recorded in the audit log; fails on a high-severity finding.")
@Service
public class SecurityTestCommand extends PlatformAction {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Option(name = "--json", description = "Machine-readable output")
    boolean json;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.securityTest(Path.of(folder), json, System.out::println);
        return null;
    }
}
