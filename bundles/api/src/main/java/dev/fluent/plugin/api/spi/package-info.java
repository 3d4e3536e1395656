/**
 * Service provider interfaces: what other bundles implement to extend the platform (audit sinks,
 * signature verifiers, the trust store and its listeners, the plugin signer, capability providers
 * and the host functions they define, the operator's policy, a rate-limit authority shared by several nodes).
 */
@Export
@Version("1.3.0")
package dev.fluent.plugin.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
