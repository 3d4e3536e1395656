package dev.fluent.plugin.shell.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.PluginDevTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "create", description = "Writes a new plugin project: Rust source on the PDK, a"
        + " manifest with conservative limits, build.sh and a README.")
@Service
public class CreateCommand implements Action {

    @Argument(index = 0, name = "name", required = true, description = "The plugin id")
    String name;

    @Argument(index = 1, name = "engine_type", required = true, description = "The engine type, e.g. openai")
    String engineType;

    @Option(name = "--output", description = "Where the project folder goes (default: the current folder)")
    @Completion(FileCompleter.class)
    String output = ".";

    @Option(name = "--capabilities", multiValued = true, description = "Capabilities to declare (NetworkAccess,"
            + " LoggingAccess …), repeated or comma-separated")
    List<String> capabilities = new ArrayList<>();

    @Option(name = "--author", description = "The manifest's author")
    String author = "";

    @Reference
    PluginDevTools devtools;

    @Override
    public Object execute() throws Exception {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (String value : capabilities) {
            for (String c : value.split(",")) {
                if (!c.isBlank()) {
                    caps.add(Capability.fromManifestName(c.trim()).orElseThrow(() -> new CommandFailure(
                            "MANIFEST_INVALID: unknown capability " + c.trim() + "; known: "
                                    + List.of(Capability.values()))));
                }
            }
        }
        Path folder;
        try {
            folder = devtools.create(new NewProject(name, engineType, caps, Path.of(output), author));
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        System.out.println("Created " + folder + "; build it with " + folder.resolve("build.sh"));
        return null;
    }
}
