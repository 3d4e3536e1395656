package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the loaded plugins. */
@Service
public class PluginIdCompleter implements Completer {

    @Reference
    PluginRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (PluginInfo info : registry.list()) {
            ids.getStrings().add(info.id());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
