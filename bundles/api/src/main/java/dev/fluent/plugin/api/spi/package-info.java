/**
 * Service provider interfaces: what other bundles implement to extend the platform (audit sinks today;
 * signature verifiers, trust stores and capability providers as they arrive).
 */
@Export
@Version("1.0.0")
package dev.fluent.plugin.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
