package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.JsonOutput;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "show", description = "Shows a loaded plugin's manifest, limits and figures.")
@Service
public class ShowCommand extends PlatformAction {

    @Argument(index = 0, name = "id", required = true, description = "The plugin id")
    @Completion(PluginIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the plugin as JSON, the fields of GET /fluent/api/plugins/<id>")
    boolean json;

    @Reference
    PluginRegistry registry;

    @Override
    protected Object run() throws Exception {
        PluginInfo info = registry.find(id).orElseThrow(() -> new CommandFailure(new PluginException(
                ErrorCode.NOT_LOADED, id, "no plugin " + id + " is loaded (plugin:list shows those that are)")));
        if (json) {
            JsonOutput.print(JsonViews.plugin(info), System.out);
            return null;
        }
        PluginManifest m = info.manifest();
        Permissions p = m.permissions();
        ShellTable table = new ShellTable();
        table.noHeaders();
        table.column("Property");
        table.column("Value");
        row(table, "ID", m.name());
        row(table, "Version", m.version());
        row(table, "Engine type", m.engineType());
        row(table, "Description", m.description());
        row(table, "Author", m.author());
        row(table, "State", ListCommand.state(info));
        row(table, "Capabilities", ListCommand.capabilities(info));
        row(table, "Max memory", p.maxMemoryMb() + " MiB");
        row(table, "Max execution time", p.maxExecutionTimeMs() + " ms");
        row(table, "Max network requests", p.maxNetworkRequests());
        row(table, "Allowed hosts", list(p.allowedHosts()));
        row(table, "Allowed file paths", list(p.allowedFilePaths()));
        row(table, "Max file size", p.maxFileSizeMb() + " MiB");
        row(table, "Rate limit", p.rateLimitRequestsPerMinute() + " requests/min");
        row(table, "Checksum", m.checksum());
        row(table, "Signed by", ListCommand.signer(info));
        row(table, "Signature", m.signature() == null ? "unsigned" : m.signature());
        row(table, "Created", m.createdAt() == null ? "-" : m.createdAt());
        row(table, "Expires", m.expiresAt() == null ? "never" : m.expiresAt());
        row(table, "Source", info.source());
        row(table, "Module size", info.moduleBytes() + " bytes");
        row(table, "Interpreted functions", interpreted(info.interpretedFunctions()));
        row(table, "Loaded at", info.loadedAt());
        row(table, "Load time", info.loadMillis() + " ms");
        row(table, "Warm-up", info.warmup() == null ? (m.warmup().isEmpty() ? "none declared"
                : "none (warmup_budget_ms is 0, or the module was compiled lazily)") : info.warmup().summary());
        row(table, "Executions", info.executions());
        row(table, "Failures", info.failures());
        table.print(System.out);
        return null;
    }

    /** Manifest texts and the source folder's name are the author's or the dropper's: escaped. */
    private static void row(ShellTable table, String key, Object value) {
        table.addRow().addContent(key, SafeText.escape(String.valueOf(value)));
    }

    private static String interpreted(int functions) {
        if (functions < 0) {
            return "not known until the first execution compiles the module";
        }
        return functions == 0 ? "0" : functions + " (too large to compile: run by the interpreter, far slower;"
                + " the deadline still applies)";
    }

    private static String list(List<String> values) {
        return values.isEmpty() ? "-" : String.join(", ", values);
    }
}
