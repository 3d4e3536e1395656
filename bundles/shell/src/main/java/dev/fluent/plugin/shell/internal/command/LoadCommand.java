package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "load", description = "Verifies, compiles and registers a plugin from its folder.")
@Service
public class LoadCommand extends PlatformAction {

    @Argument(index = 0, name = "folder", required = true,
            description = "The plugin folder, holding manifest.json and plugin.wasm")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    PluginRegistry registry;

    @Override
    protected Object run() throws Exception {
        try {
            PluginInfo info = registry.load(Path.of(folder));
            System.out.printf("Loaded %s %s (engine %s) from %s in %d ms%n", info.id(), info.manifest().version(),
                    info.manifest().engineType(), info.source(), info.loadMillis());
            return null;
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }
}
