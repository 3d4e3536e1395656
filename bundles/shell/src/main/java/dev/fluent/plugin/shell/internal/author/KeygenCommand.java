package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "keygen", description = "Generates a signing key pair: private.pem (owner-only)"
        + " and public.pem, the half others trust.")
@Service
public class KeygenCommand extends PlatformAction {

    @Option(name = "--algorithm", description = "ed25519 (default), rsa (3072 bits), or the algorithm of an"
            + " installed signer bundle; completion lists those installed now")
    @Completion(SigningAlgorithmCompleter.class)
    String algorithm = PluginSigner.ED25519;

    @Option(name = "--out", required = true, description = "The folder to write the key files into; never overwritten")
    @Completion(FileCompleter.class)
    String out;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.keygen(algorithm, Path.of(out), System.out::println);
        return null;
    }
}
