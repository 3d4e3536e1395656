package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.PluginInspector;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.devtools.CommandFailure;
import java.nio.file.Path;

/**
 * Where the {@code run} command runs one request through a plugin folder. In Karaf, the inspector's sandbox of
 * fake providers ({@link #inSandbox}): the container has the real providers and the operator's policy for loaded
 * plugins, and a folder run from its shell must not borrow them. Outside, the command line may instead use the
 * real providers under the author's local policy (see {@code internal.local.LocalRuns}).
 */
@FunctionalInterface
public interface PluginRuns {

    EngineResponse run(Path folder, EngineRequest request) throws PluginException, CommandFailure;

    /** The inspector's sandbox: every capability served by the host test kit's fakes. */
    static PluginRuns inSandbox(PluginInspector inspector) {
        return (folder, request) -> {
            try (Sandbox sandbox = inspector.sandbox(folder, false)) {
                return sandbox.execute(request);
            }
        };
    }
}
