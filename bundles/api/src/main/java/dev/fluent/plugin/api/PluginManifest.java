package dev.fluent.plugin.api;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed and validated {@code manifest.json}.
 *
 * @param name the plugin id
 * @param version semantic version
 * @param description free text, {@code ""} when absent
 * @param author free text, {@code ""} when absent
 * @param engineType the engine type the plugin provides
 * @param capabilities what the plugin asks to be granted
 * @param permissions the limits it asks for
 * @param checksum lowercase hex SHA-256 of {@code plugin.wasm}, or {@code null} when the manifest has none
 *        (such a plugin parses but cannot load)
 * @param signature {@code <algorithm>:<key-id>:<base64>}, or {@code null} when unsigned
 * @param createdAt when the plugin was built, or {@code null}
 * @param expiresAt when it stops being valid, or {@code null} for never
 */
public record PluginManifest(
        String name,
        String version,
        String description,
        String author,
        String engineType,
        Set<Capability> capabilities,
        Permissions permissions,
        String checksum,
        String signature,
        Instant createdAt,
        Instant expiresAt) {

    public PluginManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(engineType, "engineType");
        description = description == null ? "" : description;
        author = author == null ? "" : author;
        // Enum order, so every listing of a plugin's capabilities reads the same.
        capabilities = capabilities.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        Objects.requireNonNull(permissions, "permissions");
    }

    public boolean requests(Capability capability) {
        return capabilities.contains(capability);
    }

    /** The key id part of {@link #signature()}, or {@code null} when the manifest is unsigned. */
    public String signatureKeyId() {
        if (signature == null) {
            return null;
        }
        String[] parts = signature.split(":", -1);
        return parts.length == 3 ? parts[1] : null;
    }
}
