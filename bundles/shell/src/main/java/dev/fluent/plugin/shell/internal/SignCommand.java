package dev.fluent.plugin.shell.internal;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "sign", description = "Sets a plugin folder's checksum, signs its manifest and"
        + " writes manifest.json back.")
@Service
public class SignCommand implements Action {

    @Option(name = "--key", required = true, description = "The private key (PKCS#8 PEM, as plugin:keygen writes it)")
    @Completion(FileCompleter.class)
    String key;

    @Argument(index = 0, name = "folder", required = true,
            description = "The plugin folder, holding manifest.json and plugin.wasm")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    PluginSigner signer;

    @Override
    public Object execute() throws Exception {
        PluginManifest manifest;
        try {
            manifest = signer.sign(Path.of(key), Path.of(folder));
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
        String signature = manifest.signature();
        System.out.printf("Signed %s %s with %s key %s (checksum %s)%n", manifest.name(), manifest.version(),
                signature.substring(0, signature.indexOf(':')), manifest.signatureKeyId(), manifest.checksum());
        return null;
    }
}
