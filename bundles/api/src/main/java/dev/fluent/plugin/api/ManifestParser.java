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

    /**
     * The bytes a manifest's signature covers: the manifest without its {@code signature} field, in the
     * JSON Canonicalization Scheme of RFC 8785, UTF-8. The manifest is read and checked exactly as
     * {@link #parse} does, and the tree that check accepted is what gets canonicalized: whatever
     * {@code parse} refuses (duplicate keys, numbers that are not integers …) is refused here too.
     *
     * @param json the manifest's bytes (UTF-8), with or without a signature
     * @throws PluginException {@link ErrorCode#MANIFEST_INVALID}, as {@link #parse} would
     */
    byte[] signedContent(byte[] json) throws PluginException;
}
