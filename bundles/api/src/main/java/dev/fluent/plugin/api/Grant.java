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
 * @param extensionCapabilities the declared capabilities outside the standard eight that the policy does not
 *        forbid, by their reverse-domain names
 */
public record Grant(
        String pluginId,
        Set<Capability> capabilities,
        Permissions permissions,
        List<Path> allowedRoots,
        Path dataFolder,
        boolean loopbackAllowed,
        boolean privateAddressesAllowed,
        Set<String> extensionCapabilities) {

    /** A grant of standard capabilities only. */
    public Grant(String pluginId, Set<Capability> capabilities, Permissions permissions, List<Path> allowedRoots,
            Path dataFolder, boolean loopbackAllowed, boolean privateAddressesAllowed) {
        this(pluginId, capabilities, permissions, allowedRoots, dataFolder, loopbackAllowed, privateAddressesAllowed,
                Set.of());
    }

    public Grant {
        Objects.requireNonNull(pluginId, "pluginId");
        capabilities = capabilities.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        Objects.requireNonNull(permissions, "permissions");
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(dataFolder, "dataFolder");
        extensionCapabilities = PluginManifest.extensions(extensionCapabilities);
    }

    public boolean allows(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Whether the capability of that name, standard or not, is granted. */
    public boolean allows(String capabilityName) {
        return Capability.fromManifestName(capabilityName).map(capabilities::contains)
                .orElseGet(() -> extensionCapabilities.contains(capabilityName));
    }

    /**
     * What both this grant and {@code other} (of the same plugin) allow: the capabilities, hosts, paths and
     * roots both hold, the smaller of each limit, loopback and private addresses only if both allow them. The
     * data folder stays this grant's.
     */
    public Grant intersect(Grant other) {
        Set<Capability> both = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
        both.retainAll(other.capabilities);
        Set<String> extensions = new java.util.TreeSet<>(extensionCapabilities);
        extensions.retainAll(other.extensionCapabilities);
        Permissions p = permissions;
        Permissions q = other.permissions;
        Permissions limits = new Permissions(
                Math.min(p.maxMemoryMb(), q.maxMemoryMb()),
                Math.min(p.maxExecutionTimeMs(), q.maxExecutionTimeMs()),
                Math.min(p.maxNetworkRequests(), q.maxNetworkRequests()),
                p.allowedHosts().stream().filter(q.allowedHosts()::contains).toList(),
                p.allowedFilePaths().stream().filter(q.allowedFilePaths()::contains).toList(),
                Math.min(p.maxFileSizeMb(), q.maxFileSizeMb()),
                Math.min(p.rateLimitRequestsPerMinute(), q.rateLimitRequestsPerMinute()));
        return new Grant(pluginId, both, limits, allowedRoots.stream().filter(other.allowedRoots::contains).toList(),
                dataFolder, loopbackAllowed && other.loopbackAllowed,
                privateAddressesAllowed && other.privateAddressesAllowed, extensions);
    }

    /** Every capability granted, by name: the standard ones in their order, then the others sorted. */
    public List<String> capabilityNames() {
        return PluginManifest.names(capabilities, extensionCapabilities);
    }
}
