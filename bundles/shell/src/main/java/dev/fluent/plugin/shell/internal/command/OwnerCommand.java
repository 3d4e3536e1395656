package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentities;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.JsonOutput;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.util.List;
import java.util.Objects;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "owner", description = "Shows who owns each plugin id (the key of its first"
        + " accepted version, or the owner.<id> the policy declares) and the newest version accepted; gives an id"
        + " to another key (--transfer) or forgets it (--release). A change clears what was kept for the plugin.")
@Service
public class OwnerCommand extends PlatformAction {

    @Argument(index = 0, name = "id", description = "A plugin id; every id when omitted")
    @Completion(PluginIdCompleter.class)
    String id;

    @Option(name = "--transfer", description = "Give the id to this trusted key id (or 'unsigned'); a loaded"
            + " version the key did not sign is unloaded, the plugin's cache, metrics and data folder are cleared"
            + " (the folder is moved aside)")
    String transferTo;

    @Option(name = "--release", description = "Forget the id's owner and version history (the id must not be"
            + " loaded); its next accepted load binds it anew")
    boolean release;

    @Option(name = "--json", description = "Print the records as JSON: {\"owners\": [{plugin_id, owner, declared, version, created_at, bound_at}]}")
    boolean json;

    @Reference
    PluginIdentities identities;

    @Override
    protected Object run() throws Exception {
        try {
            if (transferTo != null || release) {
                if (id == null || (transferTo != null && release)) {
                    throw new CommandFailure("plugin:owner needs one plugin id and either --transfer <key-id> or"
                            + " --release");
                }
                if (release) {
                    identities.release(id);
                    System.out.printf("Released %s: its next accepted load binds it to its signer%n", id);
                } else {
                    PluginIdentity next = identities.transfer(id, transferTo.trim());
                    System.out.printf("%s now belongs to %s; what was kept for it was cleared%n", id, next.owner());
                }
                return null;
            }
            List<PluginIdentity> rows = id == null ? identities.identities()
                    : identities.identity(id).map(List::of).orElse(List.of());
            if (json) {
                JsonOutput.print(JsonViews.identities(rows), System.out);
                return null;
            }
            print(rows);
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        return null;
    }

    private void print(List<PluginIdentity> rows) {
        ShellTable table = new ShellTable();
        table.column("Plugin");
        table.column("Owner");
        table.column("By");
        table.column("Newest version");
        table.column("Built");
        table.column("Since");
        for (PluginIdentity r : rows) {
            table.addRow().addContent(SafeText.escape(r.pluginId()), r.owner(), r.declared() ? "policy" : "first load",
                    Objects.toString(r.version(), "-"), Objects.toString(r.createdAt(), "-"),
                    Objects.toString(r.boundAt(), "-"));
        }
        table.emptyTableText(id == null ? "No plugin id has been accepted yet" : "No record of plugin " + id);
        table.print(System.out);
    }
}
