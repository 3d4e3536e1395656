package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** The shell's twin of {@code fluent-plugin package}: the same implementation, the same output. */
@Command(scope = "plugin", name = "package", description = "Writes the plugin as a Maven artifact: <name>-<version>.zip"
        + " (manifest.json and plugin.wasm only) and a minimal <name>-<version>.pom, for mvn deploy:deploy-file; the"
        + " platform loads it with plugin:load mvn:<group>/<name>/<version>/zip.")
@Service
public class PackageCommand extends PlatformAction {

    @Option(name = "--group", required = true, description = "The Maven group id, e.g. org.example.plugins")
    String group;

    /**
     * Required here: the platform's current folder is its own, not the operator's (bin/fluent-client makes a
     * relative one the caller's).
     */
    @Option(name = "--output", required = true, description = "Where the two files go")
    @Completion(FileCompleter.class)
    String output;

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder, built and signed")
    @Completion(FileCompleter.class)
    String folder;

    @Reference
    AuthoringCommands commands;

    @Override
    protected Object run() throws CommandFailure {
        commands.packageArchive(Path.of(folder), group, Path.of(output), System.out::println);
        return null;
    }
}
