package dev.fluent.plugin.runtime.internal.inspect;

import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's policy: exactly what the manifest declares (whose limits the manifest parser already holds to
 * the platform's hard maxima), the sandbox's temporary folder as data folder, no roots, no loopback or private
 * addresses. Never the operator's policy: a folder that claims a loaded plugin's id must not get that plugin's
 * per-plugin grants, and what the plugin may do is what a security test is about. Nothing it grants reaches
 * the platform, since every capability in the sandbox is a fake.
 */
final class SandboxPolicy implements PolicyService {

    private final Path dataFolder;

    SandboxPolicy(Path dataFolder) {
        this.dataFolder = dataFolder;
    }

    @Override
    public Grant grant(PluginManifest manifest) {
        return new Grant(manifest.name(), manifest.capabilities(), manifest.permissions(), List.of(), dataFolder,
                false, false, manifest.extensionCapabilities());
    }

    /** Refuses nothing: {@code validate} reports what the operator's policy would refuse. */
    @Override
    public void check(PluginManifest manifest) {
    }
}
