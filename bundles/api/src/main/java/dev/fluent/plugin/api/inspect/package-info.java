/**
 * Checking a plugin folder without registering it: every load check at once ({@link
 * dev.fluent.plugin.api.inspect.PluginInspector#inspect}) and a private sandbox to run it in ({@link
 * dev.fluent.plugin.api.inspect.PluginInspector#sandbox}). The runtime provides it; the authoring tools
 * (plugin:validate, plugin:security-test, the fluent-plugin command line) use it.
 */
@Export
@Version("1.2.0")
package dev.fluent.plugin.api.inspect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
