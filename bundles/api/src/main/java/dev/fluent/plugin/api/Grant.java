package dev.fluent.plugin.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one plugin may use now: its manifest intersected with the operator's policy. Capability providers
 * enforce it; the runtime computes it for every execution.
 *
 * @param pluginId the plugin
 * @param capabilities the declared capabilities the policy does not forbid
 * @param permissions the manifest's limits, each capped by the policy; {@code allowed_hosts} without the
 *        entries the policy never grants, {@code allowed_file_paths} without absolute entries outside
 *        {@code allowedRoots}
 * @param allowedRoots the folders inside which absolute {@code allowed_file_paths} entries may lie
 * @param dataFolder the plugin's own folder, which relative {@code allowed_file_paths} entries live under
 * @param loopbackAllowed whether network requests may reach loopback addresses
 * @param privateAddressesAllowed whether network requests may reach private, link-local (cloud metadata
 *        included) and unique-local addresses
 */
public record Grant(
        String pluginId,
        Set<Capability> capabilities,
        Permissions permissions,
        List<Path> allowedRoots,
        Path dataFolder,
        boolean loopbackAllowed,
        boolean privateAddressesAllowed) {

    public Grant {
        Objects.requireNonNull(pluginId, "pluginId");
        capabilities = capabilities.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        Objects.requireNonNull(permissions, "permissions");
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(dataFolder, "dataFolder");
    }

    public boolean allows(Capability capability) {
        return capabilities.contains(capability);
    }
}
