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

@Command(scope = "plugin", name = "validate", description = "Runs every load check on a plugin folder without loading"
        + " it, and reports every problem with its fix.")
@Service
public class ValidateCommand extends PlatformAction {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Option(name = "--json", description = "Machine-readable output")
    boolean json;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.validate(Path.of(folder), json, System.out::println);
        return null;
    }
}
