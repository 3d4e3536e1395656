package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "inspect", description = "Shows a plugin folder's manifest and module (capabilities,"
        + " limits, signer, imports, exports, memory) and every load problem, without loading it.")
@Service
public class InspectCommand extends PlatformAction {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.inspect(Path.of(folder), System.out::println);
        return null;
    }
}
