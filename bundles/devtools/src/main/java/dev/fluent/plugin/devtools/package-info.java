/**
 * Tools for plugin authors, shared by the shell ({@code plugin:create}, {@code plugin:validate},
 * {@code plugin:security-test}) and the {@code fluent-plugin} command line: one implementation, two front
 * ends.
 */
@Export
@Version("1.0.0")
package dev.fluent.plugin.devtools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
