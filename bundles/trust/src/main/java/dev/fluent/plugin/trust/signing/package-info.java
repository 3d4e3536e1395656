/**
 * The {@code keygen} and {@code sign} commands, written once for every front end that offers them: the Karaf
 * shell ({@code plugin:keygen}, {@code plugin:sign}), the {@code fluent-plugin} command line and the build
 * scripts' {@code SignTool}. They call the {@link dev.fluent.plugin.api.spi.PluginSigner} they are given and
 * write the same lines wherever they run.
 */
@Export
@Version("1.0.0")
package dev.fluent.plugin.trust.signing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
