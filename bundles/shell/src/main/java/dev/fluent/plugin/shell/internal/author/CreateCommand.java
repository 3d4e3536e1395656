package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "create", description = "Writes a new plugin project: Rust (a Cargo package) or C"
        + " source on its PDK, a manifest with conservative limits, build.sh and a README.")
@Service
public class CreateCommand extends PlatformAction {

    @Argument(index = 0, name = "name", required = true, description = "The plugin id")
    String name;

    @Argument(index = 1, name = "engine_type", required = true, description = "The engine type, e.g. openai")
    String engineType;

    @Option(name = "--output", description = "Where the project folder goes (default: the current folder)")
    @Completion(FileCompleter.class)
    String output = ".";

    @Option(name = "--capabilities", multiValued = true, description = "Capabilities to declare (NetworkAccess,"
            + " LoggingAccess …), repeated or comma-separated")
    @Completion(CapabilityCompleter.class)
    List<String> capabilities = new ArrayList<>();

    @Option(name = "--author", description = "The manifest's author")
    String author = "";

    @Option(name = "--language", description = "rust (default: a Cargo package on the Rust PDK) or c (on the C PDK)")
    String language = "rust";

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.create(name, engineType, capabilities, Path.of(output), author, language, System.out::println);
        return null;
    }
}
