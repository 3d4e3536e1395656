package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.api.spi.TrustedKey;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "trust", description = "Manages the keys trusted to sign plugins:"
        + " add <public.pem>, list, remove <key-id>, revoke <key-id>.")
@Service
public class TrustCommand extends PlatformAction {

    @Argument(index = 0, name = "action", required = true, description = "add, list, remove or revoke")
    @Completion(value = StringsCompleter.class, values = {"add", "list", "remove", "revoke"})
    String action;

    @Argument(index = 1, name = "target", description = "add: a public key PEM file; remove, revoke: a key id")
    String target;

    @Reference
    TrustStore trust;

    @Override
    protected Object run() throws Exception {
        try {
            switch (action) {
                case "list" -> list();
                case "add" -> {
                    TrustedKey key = trust.add(Path.of(required("a public key file")));
                    System.out.printf("Trusted %s key %s (%s)%s%n", key.algorithm(), key.keyId(), key.file(),
                            key.revoked() ? "; it is revoked, so it verifies nothing" : "");
                }
                case "remove" -> {
                    TrustedKey key = trust.remove(required("a key id"));
                    System.out.printf("No longer trusted: %s key %s; plugins it signed are unloaded%n",
                            key.algorithm(), key.keyId());
                }
                case "revoke" -> {
                    trust.revoke(required("a key id"));
                    System.out.printf("Revoked key %s; plugins it signed are unloaded and refused%n", target);
                }
                default -> throw new CommandFailure("unknown action '" + action + "'; use add, list, remove or revoke");
            }
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        return null;
    }

    private String required(String what) throws CommandFailure {
        if (target == null || target.isBlank()) {
            throw new CommandFailure("plugin:trust " + action + " needs " + what);
        }
        return target;
    }

    private void list() {
        ShellTable table = new ShellTable();
        table.column("Key id");
        table.column("Algorithm");
        table.column("Key");
        table.column("Status");
        table.column("File");
        Set<String> revoked = new TreeSet<>(trust.revokedKeyIds());
        for (TrustedKey key : trust.keys()) {
            String status = key.revoked() ? "REVOKED" : key.development() ? "trusted (development mode)" : "trusted";
            table.addRow().addContent(key.keyId(), key.algorithm(), key.description(), status, key.file());
            revoked.remove(key.keyId());
        }
        for (String keyId : revoked) {
            table.addRow().addContent(keyId, "-", "-", "REVOKED", "-");
        }
        table.emptyTableText("No trusted keys (plugin:trust add <public.pem> trusts one)");
        table.print(System.out);
    }
}
