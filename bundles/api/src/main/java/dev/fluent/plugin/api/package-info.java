/**
 * The Fluent Plugin Platform's public API: the {@link dev.fluent.plugin.api.Engine} service every loaded
 * plugin becomes, the manifest model, the registry operators and other bundles drive, the error codes
 * all of them share, and the audit log with the names of its actions ({@link
 * dev.fluent.plugin.api.AuditActions}).
 */
@Export
@Version("1.5.0")
package dev.fluent.plugin.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
