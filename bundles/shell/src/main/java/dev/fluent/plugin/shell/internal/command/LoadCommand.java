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

@Command(scope = "plugin", name = "load", description = "Verifies, compiles and registers a plugin from its folder, a .zip of one, or a Maven "
        + "artifact mvn:<group>/<artifact>/<version>/zip (from the repositories of etc/org.ops4j.pax.url.mvn.cfg).")
@Service
public class LoadCommand extends PlatformAction {

    @Argument(index = 0, name = "location", required = true,
            description = "The plugin folder (manifest.json and plugin.wasm), a .zip of one, or mvn:<group>/<artifact>/<version>/zip")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    PluginRegistry registry;

    @Reference
    PluginSources sources;

    @Override
    protected Object run() throws Exception {
        try {
            PluginInfo info = registry.load(sources.folder(folder));
            System.out.printf("Loaded %s %s (engine %s) from %s in %d ms%n", info.id(), info.manifest().version(),
                    info.manifest().engineType(), PluginSources.isArchive(folder) ? folder + " (unpacked in "
                            + info.source() + ")" : info.source(), info.loadMillis());
            return null;
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }
}
