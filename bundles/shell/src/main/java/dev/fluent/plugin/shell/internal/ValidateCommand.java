package dev.fluent.plugin.shell.internal;

import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.devtools.PluginDevTools;
import dev.fluent.plugin.devtools.Reports;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "plugin", name = "validate", description = "Runs every load check on a plugin folder without loading"
        + " it, and reports every problem with its fix.")
@Service
public class ValidateCommand implements Action {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Option(name = "--json", description = "Machine-readable output")
    boolean json;

    @Reference
    PluginDevTools devtools;

    @Override
    public Object execute() throws Exception {
        Inspection inspection = devtools.validate(Path.of(folder));
        if (json) {
            System.out.println(Reports.json(inspection));
        } else {
            System.out.print(Reports.text(inspection.problems()));
        }
        if (!inspection.loads()) {
            throw new CommandFailure(Reports.summary(inspection));
        }
        if (!json) {
            System.out.println(Reports.summary(inspection));
        }
        return null;
    }
}
