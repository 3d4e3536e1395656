package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "plugin", name = "execute",
        description = "Runs one request through a plugin and prints the response's content.")
@Service
public class ExecuteCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = true, description = "The plugin id")
    @Completion(PluginIdCompleter.class)
    String id;

    @Argument(index = 1, name = "payload", required = true, description = "The request payload")
    String payload;

    @Option(name = "--flow", description = "The flow name passed with the request")
    String flow;

    @Option(name = "--json", description = "Print the whole response (content, usage, model, finish reason, cost) as JSON")
    boolean json;

    @Reference
    PluginRegistry registry;

    @Override
    protected Object run() throws Exception {
        EngineResponse response;
        try {
            response = registry.execute(id, new EngineRequest(flow, payload));
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        if (json) {
            System.out.println(Reports.prettyJson(response));
        } else {
            System.out.println(response.content());
        }
        return null;
    }
}
