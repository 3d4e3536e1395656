package dev.fluent.plugin.api.inspect;

import dev.fluent.plugin.api.PluginException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Checks plugin folders with the platform's own load checks, without registering anything. */
@ProviderType
public interface PluginInspector {

    /**
     * Runs every load check on a plugin folder (manifest rules, validity dates, checksum, signature and
     * trust, module validity, imports against capabilities, ABI, operator policy, compilation and a first
     * start) and reports every problem rather than the first.
     */
    Inspection inspect(Path folder);

    /**
     * Loads a plugin into a private sandbox: fake capability providers only, a policy that grants exactly what
     * the manifest declares, a temporary data folder; nothing of the platform's configuration, environment,
     * files or network (see {@link Sandbox}).
     *
     * @param developmentMode {@code true}: an unsigned plugin loads (a signed one is still verified);
     *        {@code false}: as the platform's configuration says
     * @throws PluginException when the plugin does not load, as the registry's load would
     */
    Sandbox sandbox(Path folder, boolean developmentMode) throws PluginException;
}
