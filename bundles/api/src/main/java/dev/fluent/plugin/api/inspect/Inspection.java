package dev.fluent.plugin.api.inspect;

import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of running every load check on a plugin folder.
 *
 * @param folder the folder checked
 * @param manifest the manifest, or {@code null} when it does not parse
 * @param module the module's facts, or {@code null} when there is no valid module
 * @param problems every problem found, in the order of the load path; empty when the plugin loads
 */
public record Inspection(Path folder, PluginManifest manifest, ModuleFacts module, List<Finding> problems) {

    public Inspection {
        problems = List.copyOf(problems);
    }

    /** Whether the plugin passes every check: no {@link Severity#HIGH} problem. */
    public boolean loads() {
        return problems.stream().noneMatch(p -> p.severity() == Severity.HIGH);
    }
}
