package dev.fluent.plugin.cluster;

import org.osgi.annotation.versioning.ProviderType;

/** What the cluster looks like from this node: {@code plugin:cluster} prints it. */
@ProviderType
public interface ClusterView {

    ClusterStatus status();
}
