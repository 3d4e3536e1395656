package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.shell.internal.support.JsonOutput;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "list", description = "Lists the loaded plugins.")
@Service
public class ListCommand extends PlatformAction {

    @Option(name = "--json", description = "Print the plugins as JSON: {\"plugins\": [...]}, the fields of GET /fluent/api/plugins")
    boolean json;

    @Reference
    PluginRegistry registry;

    @Override
    protected Object run() {
        if (json) {
            JsonOutput.print(JsonViews.plugins(registry.list()), System.out);
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Version");
        table.column("Engine");
        table.column("State");
        table.column("Capabilities");
        table.column("Executions").alignRight();
        table.column("Failures").alignRight();
        table.column("Signed by");
        table.column("Source");
        for (PluginInfo info : registry.list()) {
            table.addRow().addContent(info.id(), info.manifest().version(), info.manifest().engineType(),
                    state(info), capabilities(info), info.executions(), info.failures(), signer(info),
                    SafeText.escape(info.source().toString()));
        }
        table.emptyTableText("No plugins loaded (plugin:load <folder> loads one)");
        table.print(System.out);
        return null;
    }

    /** The key that signed the plugin, or UNSIGNED: loaded without a signature, which only development mode allows. */
    static String signer(PluginInfo info) {
        return info.signed() ? info.manifest().signatureKeyId() : "UNSIGNED (development mode)";
    }

    /** serving, or suspended naming the capability whose provider it waits for. */
    static String state(PluginInfo info) {
        return info.unavailableCapability() == null
                ? info.state()
                : info.state() + " (no provider of " + info.unavailableCapability() + ")";
    }

    static String capabilities(PluginInfo info) {
        return info.manifest().capabilityNames().isEmpty()
                ? "-"
                : String.join(",", info.manifest().capabilityNames());
    }
}
