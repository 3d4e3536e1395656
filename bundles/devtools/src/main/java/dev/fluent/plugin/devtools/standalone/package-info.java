/**
 * The platform's authoring side outside OSGi: {@link dev.fluent.plugin.devtools.standalone.StandalonePlatform}
 * builds, from the bundles' jars on a plain class path, what Declarative Services wires in Karaf (the manifest
 * parser, a trust store and its verifiers, the capability providers an author's plugin may use locally, the
 * runtime's inspector, the devtools, the signer and the {@link dev.fluent.plugin.devtools.AuthoringCommands}
 * on top), so that a front end such as the {@code fluent-plugin} command line never reaches into a bundle's
 * internals. Inside Karaf nothing uses this package: the platform's services are there.
 */
@Export
@Version("1.1.0")
package dev.fluent.plugin.devtools.standalone;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
