package dev.fluent.plugin.shell.internal;

import dev.fluent.plugin.devtools.PluginDevTools;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.devtools.SecurityReport;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "security-test", description = "Static and dynamic security findings for a plugin"
        + " folder (the plugin runs in a private sandbox); fails on a high-severity finding.")
@Service
public class SecurityTestCommand implements Action {

    @Argument(index = 0, name = "folder", required = true, description = "The plugin folder")
    @Completion(FileCompleter.class)
    String folder;

    @Option(name = "--json", description = "Machine-readable output")
    boolean json;

    @Reference
    PluginDevTools devtools;

    @Override
    public Object execute() throws Exception {
        SecurityReport report = devtools.securityTest(Path.of(folder));
        if (json) {
            System.out.println(Reports.json(report));
        } else if (!report.findings().isEmpty()) {
            ShellTable table = new ShellTable();
            table.column("Severity");
            table.column("Code");
            table.column("Finding").maxSize(80).wrap();
            table.column("Fix").maxSize(60).wrap();
            report.findings().forEach(f -> table.addRow().addContent(f.severity(), f.code(), f.message(), f.fix()));
            table.print(System.out);
        }
        if (report.failed()) {
            throw new CommandFailure(report.summary());
        }
        if (!json) {
            System.out.println(report.summary());
        }
        return null;
    }
}
