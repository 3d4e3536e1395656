package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentities;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "rollback", description = "Loads (or reloads) an older version of a plugin on"
        + " purpose: a version older than one already accepted is otherwise refused as a replay (DOWNGRADE)."
        + " Every other check still applies; the rollback is audited.")
@Service
public class RollbackCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = true, description = "The plugin id")
    @Completion(PluginIdCompleter.class)
    String id;

    @Argument(index = 1, name = "folder", required = true, description = "The folder of the older version")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    PluginIdentities identities;

    @Override
    protected Object run() throws Exception {
        try {
            PluginInfo info = identities.rollback(id, Path.of(folder));
            System.out.printf("Rolled %s back to %s from %s%n", info.id(), info.manifest().version(), info.source());
            return null;
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }
}
