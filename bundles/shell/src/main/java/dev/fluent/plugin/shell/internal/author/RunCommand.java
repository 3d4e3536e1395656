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

@Command(scope = "plugin", name = "run", description = "Runs one request through the plugin in a folder, in a"
        + " sandbox of fake providers with the platform's checks and limits, without loading it; prints the response's"
        + " content.")
@Service
public class RunCommand extends PlatformAction {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Argument(index = 1, name = "payload", required = true, description = "The request payload")
    String payload;

    @Option(name = "--flow", description = "The flow name passed with the request (default "
            + AuthoringCommands.DEFAULT_FLOW + ")")
    String flow;

    @Option(name = "--json", description = "Print the whole response as JSON")
    boolean json;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.run(Path.of(folder), payload, flow, json, System.out::println);
        return null;
    }
}
