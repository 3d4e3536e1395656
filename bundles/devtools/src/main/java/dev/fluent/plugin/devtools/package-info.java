/**
 * Tools for plugin authors, shared by the shell ({@code plugin:create}, {@code plugin:validate},
 * {@code plugin:security-test}, {@code plugin:inspect}, {@code plugin:run}, {@code plugin:keygen},
 * {@code plugin:sign}) and the {@code fluent-plugin} command line: one implementation of each command
 * ({@link dev.fluent.plugin.devtools.AuthoringCommands}), one rendering of its reports
 * ({@link dev.fluent.plugin.devtools.Reports}), two thin front ends.
 */
@Export
@Version("1.4.0")
package dev.fluent.plugin.devtools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
