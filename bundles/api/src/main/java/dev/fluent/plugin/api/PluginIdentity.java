package dev.fluent.plugin.api;

import java.time.Instant;

/**
 * Who a plugin id belongs to, and the newest version of it this platform has accepted. A plugin's identity
 * is its id and its owner: the key that signed the first version accepted under that id (or the owner the
 * operator declared). Another key cannot load or reload that id ({@link ErrorCode#OWNER_MISMATCH}), and a
 * version older than {@link #version()} is refused ({@link ErrorCode#DOWNGRADE}). Records survive restarts
 * and unloads.
 *
 * @param pluginId the plugin id
 * @param owner the owner's key id, or {@link #UNSIGNED} for an id first accepted unsigned (development mode)
 * @param declared whether the owner was declared by the operator ({@code owner.<plugin-id>} in the policy)
 *        rather than bound by a first load
 * @param version the highest version accepted, or {@code null} when none has been accepted yet
 * @param createdAt the {@code created_at} of that version, or {@code null}
 * @param boundAt when the owner was bound or last transferred
 * @since 1.2
 */
public record PluginIdentity(String pluginId, String owner, boolean declared, String version, Instant createdAt,
        Instant boundAt) {

    /** The owner of an id whose first accepted version was unsigned. */
    public static final String UNSIGNED = "unsigned";

    /** The owner a manifest claims: its signing key id, or {@link #UNSIGNED}. */
    public static String ownerOf(PluginManifest manifest) {
        return manifest.signature() == null ? UNSIGNED : manifest.signatureKeyId();
    }
}
