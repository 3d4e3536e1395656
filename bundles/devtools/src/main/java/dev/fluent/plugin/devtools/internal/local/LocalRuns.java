package dev.fluent.plugin.devtools.internal.local;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.devtools.internal.PluginRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command line's {@code run}: with a local policy (the file named, else {@value LocalPolicy#FILE_NAME} in
 * the plugin folder), the real capability providers under it ({@link LocalRun}); without one, or when fakes are
 * asked for, the inspector's sandbox of fakes. Either way one line on the notes console says which, so an author
 * never takes a fake answer for the real thing, nor runs a folder's own policy unawares.
 */
public final class LocalRuns implements PluginRuns {

    static final String FAKES = "capabilities served by fakes; write " + LocalPolicy.FILE_NAME
            + " to use real ones";

    private final PluginRuns sandbox;
    private final Path policyFile;
    private final boolean fakes;
    private final Console notes;
    private final Map<String, Object> platformConfig;
    private final ManifestParser parser;
    private final TrustStore trustStore;
    private final boolean developmentMode;

    /**
     * @param policyFile the local policy to use, or {@code null} for the plugin folder's {@value LocalPolicy#FILE_NAME}
     *        when there is one
     * @param fakes whether to run on the fakes even when a local policy exists
     * @param platformConfig the operator's configuration keys given ({@code --policy}); caps still apply
     */
    public LocalRuns(PluginRuns sandbox, Path policyFile, boolean fakes, Console notes,
            Map<String, Object> platformConfig, ManifestParser parser, TrustStore trustStore,
            boolean developmentMode) {
        this.sandbox = sandbox;
        this.policyFile = policyFile;
        this.fakes = fakes;
        this.notes = notes;
        this.platformConfig = Map.copyOf(platformConfig);
        this.parser = parser;
        this.trustStore = trustStore;
        this.developmentMode = developmentMode;
    }

    @Override
    public EngineResponse run(Path folder, EngineRequest request) throws PluginException, CommandFailure {
        Path file = policyFile != null ? policyFile : folder.resolve(LocalPolicy.FILE_NAME);
        if (fakes || (policyFile == null && !Files.isRegularFile(file))) {
            notes.println(FAKES);
            return sandbox.run(folder, request);
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandFailure("local policy " + file + " does not exist; write it (format:"
                    + " docs/plugin-authoring.md, \"Run locally\") or leave out --local-policy");
        }
        LocalPolicy policy = LocalPolicy.read(file);
        notes.println("capabilities served by the platform's providers under the local policy " + file);
        return LocalRun.run(folder, request, policy, platformConfig, parser, trustStore, developmentMode, notes);
    }
}
