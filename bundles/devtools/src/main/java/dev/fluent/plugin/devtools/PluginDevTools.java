package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Inspection;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What a plugin author does before a plugin ships: start a project, check it, test its security. */
@ProviderType
public interface PluginDevTools {

    /**
     * Writes a new plugin project: source in the project's language on its PDK (Rust: a Cargo package; C: a
     * header and a source file; embedded, so it builds offline), a manifest with conservative limits and only the
     * requested capabilities, {@code build.sh} and a README.
     *
     * @return the project folder, {@code <output>/<name>}; it is also the plugin folder once built
     * @throws PluginException {@code MANIFEST_INVALID} for a bad name or engine type, {@code PLUGIN_NOT_FOUND}
     *         when the folder exists already or cannot be written
     */
    Path create(NewProject project) throws PluginException;

    /** Every load check on a plugin folder, every problem with its fix. */
    Inspection validate(Path folder);

    /** Static and dynamic security findings on a plugin folder. */
    SecurityReport securityTest(Path folder);
}
