package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "reload",
        description = "Replaces a loaded plugin by the version now in its folder (or another folder). The new "
                + "version is checked and compiled first; if it fails, the old one keeps serving.")
@Service
public class ReloadCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = true, description = "The plugin id")
    @Completion(PluginIdCompleter.class)
    String id;

    @Argument(index = 1, name = "folder", required = false,
            description = "Where the new version is: a folder, a .zip of one, or mvn:<group>/<artifact>/<version>/zip; by "
                    + "default the folder the plugin was loaded from")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    PluginRegistry registry;

    @Reference
    PluginSources sources;

    @Override
    protected Object run() throws Exception {
        try {
            PluginInfo info = folder == null ? registry.reload(id) : registry.reload(id, sources.folder(folder));
            System.out.printf("Reloaded %s %s from %s in %d ms%n", info.id(), info.manifest().version(),
                    info.source(), info.loadMillis());
            return null;
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }
}
