package dev.fluent.plugin.api;

import org.osgi.annotation.versioning.ProviderType;

/** Parses and validates {@code manifest.json} strictly: unknown fields and bad values are errors. */
@ProviderType
public interface ManifestParser {

    /**
     * @param json the manifest's bytes (UTF-8)
     * @return the validated manifest, with defaults filled in for omitted permissions
     * @throws PluginException {@link ErrorCode#MANIFEST_INVALID} naming the first offending field
     */
    PluginManifest parse(byte[] json) throws PluginException;
}
