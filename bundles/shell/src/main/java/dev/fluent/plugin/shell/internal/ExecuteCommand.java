package dev.fluent.plugin.shell.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "plugin", name = "execute",
        description = "Runs one request through a plugin and prints the response's content.")
@Service
public class ExecuteCommand implements Action {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    public Object execute() throws Exception {
        EngineResponse response;
        try {
            response = registry.execute(id, new EngineRequest(flow, payload));
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(toMap(response)));
        } else {
            System.out.println(response.content());
        }
        return null;
    }

    static Map<String, Object> toMap(EngineResponse r) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", r.usage().promptTokens());
        usage.put("completion_tokens", r.usage().completionTokens());
        usage.put("total_tokens", r.usage().totalTokens());
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("prompt_cost", r.cost().promptCost());
        cost.put("completion_cost", r.cost().completionCost());
        cost.put("total_cost", r.cost().totalCost());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("content", r.content());
        out.put("usage", usage);
        out.put("model", r.model());
        out.put("finish_reason", r.finishReason());
        out.put("cost", cost);
        return out;
    }
}
