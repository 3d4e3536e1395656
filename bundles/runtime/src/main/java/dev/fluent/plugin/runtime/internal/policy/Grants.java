package dev.fluent.plugin.runtime.internal.policy;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The intersection of two grants of one plugin: what both allow. Capabilities, hosts, paths and roots that
 * both hold; the smaller of each limit; loopback and private addresses only if both allow them. The data
 * folder is the first grant's (the higher ranked policy's).
 */
final class Grants {

    private Grants() {
    }

    static Grant intersect(Grant a, Grant b) {
        Set<Capability> capabilities = a.capabilities().isEmpty() ? EnumSet.noneOf(Capability.class)
                : EnumSet.copyOf(a.capabilities());
        capabilities.retainAll(b.capabilities());
        Set<String> extensions = new TreeSet<>(a.extensionCapabilities());
        extensions.retainAll(b.extensionCapabilities());
        Permissions p = a.permissions();
        Permissions q = b.permissions();
        Permissions both = new Permissions(
                Math.min(p.maxMemoryMb(), q.maxMemoryMb()),
                Math.min(p.maxExecutionTimeMs(), q.maxExecutionTimeMs()),
                Math.min(p.maxNetworkRequests(), q.maxNetworkRequests()),
                common(p.allowedHosts(), q.allowedHosts()),
                common(p.allowedFilePaths(), q.allowedFilePaths()),
                Math.min(p.maxFileSizeMb(), q.maxFileSizeMb()),
                Math.min(p.rateLimitRequestsPerMinute(), q.rateLimitRequestsPerMinute()));
        return new Grant(a.pluginId(), capabilities, both, common(a.allowedRoots(), b.allowedRoots()),
                a.dataFolder(), a.loopbackAllowed() && b.loopbackAllowed(),
                a.privateAddressesAllowed() && b.privateAddressesAllowed(), extensions);
    }

    private static <T> List<T> common(List<T> a, List<T> b) {
        return a.stream().filter(b::contains).toList();
    }
}
