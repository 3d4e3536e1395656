/**
 * The JSON form of the API's objects (plugins, statistics, audit entries, verification, owners, responses)
 * as ordered maps with stable snake_case field names, so that the HTTP API and the shell's {@code --json}
 * output agree field for field.
 */
@Export
@Version("1.0.0")
package dev.fluent.plugin.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
