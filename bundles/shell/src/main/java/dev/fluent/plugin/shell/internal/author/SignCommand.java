package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "sign", description = "Sets each plugin folder's checksum, signs its manifest and"
        + " writes manifest.json back.")
@Service
public class SignCommand extends PlatformAction {

    @Option(name = "--key", required = true, description = "The private key (PKCS#8 PEM, as plugin:keygen writes it)")
    @Completion(FileCompleter.class)
    String key;

    @Argument(index = 0, name = "folder", required = true, multiValued = true,
            description = "Plugin folders, each holding manifest.json and plugin.wasm")
    @Completion(FileCompleter.class)
    List<String> folders;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.sign(Path.of(key), folders.stream().map(Path::of).toList(), System.out::println);
        return null;
    }
}
