package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "plugin", name = "unload", description = "Unregisters a plugin; executions in flight finish.")
@Service
public class UnloadCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = true, description = "The plugin id")
    @Completion(PluginIdCompleter.class)
    String id;

    @Reference
    PluginRegistry registry;

    @Override
    protected Object run() throws Exception {
        try {
            registry.unload(id);
            System.out.println("Unloaded " + id);
            return null;
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }
}
