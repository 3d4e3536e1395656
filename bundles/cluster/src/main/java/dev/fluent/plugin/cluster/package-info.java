/**
 * The cluster of platform nodes, seen from other bundles: {@link dev.fluent.plugin.cluster.ClusterView} tells
 * the members, each node's loaded plugins and whether it has converged to the cluster's catalogue.
 */
@Export
@Version("1.1.0")
package dev.fluent.plugin.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
