package dev.fluent.plugin.api;

import java.time.Instant;
import java.util.Collections;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed and validated {@code manifest.json}.
 *
 * @param name the plugin id
 * @param version semantic version
 * @param description free text, {@code ""} when absent
 * @param author free text, {@code ""} when absent
 * @param engineType the engine type the plugin provides
 * @param capabilities the standard capabilities the plugin asks to be granted
 * @param permissions the limits it asks for
 * @param checksum lowercase hex SHA-256 of {@code plugin.wasm}, or {@code null} when the manifest has none
 *        (such a plugin parses but cannot load)
 * @param signature {@code <algorithm>:<key-id>:<base64>}, or {@code null} when unsigned
 * @param createdAt when the plugin was built, or {@code null}
 * @param expiresAt when it stops being valid, or {@code null} for never
 * @param extensionCapabilities the capabilities outside the standard eight it asks for, by their
 *        reverse-domain names ({@link Capability#isExtensionName}), served by third-party providers
 * @param warmup request payloads the plugin answers by itself, without host calls, which the platform runs at
 *        load so that its code is compiled by the JVM before the first request; empty when it declares none
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
        Instant expiresAt,
        Set<String> extensionCapabilities,
        List<String> warmup) {

    /** A manifest without warm-up payloads. */
    public PluginManifest(String name, String version, String description, String author, String engineType,
            Set<Capability> capabilities, Permissions permissions, String checksum, String signature,
            Instant createdAt, Instant expiresAt, Set<String> extensionCapabilities) {
        this(name, version, description, author, engineType, capabilities, permissions, checksum, signature,
                createdAt, expiresAt, extensionCapabilities, List.of());
    }

    /** A manifest that asks for standard capabilities only. */
    public PluginManifest(String name, String version, String description, String author, String engineType,
            Set<Capability> capabilities, Permissions permissions, String checksum, String signature,
            Instant createdAt, Instant expiresAt) {
        this(name, version, description, author, engineType, capabilities, permissions, checksum, signature,
                createdAt, expiresAt, Set.of(), List.of());
    }

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
        extensionCapabilities = extensions(extensionCapabilities);
        warmup = warmup == null ? List.of() : List.copyOf(warmup);
    }

    /** Sorted and checked: every name in reverse-domain form. */
    static Set<String> extensions(Set<String> names) {
        if (names == null || names.isEmpty()) {
            return Set.of();
        }
        for (String n : names) {
            if (!Capability.isExtensionName(n)) {
                throw new IllegalArgumentException("capability '" + n + "' is neither a standard capability nor in "
                        + Capability.EXTENSION_FORM);
            }
        }
        return Collections.unmodifiableSet(new TreeSet<>(names));
    }

    public boolean requests(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Whether the manifest asks for the capability of that name, standard or not. */
    public boolean requests(String capabilityName) {
        return Capability.fromManifestName(capabilityName).map(capabilities::contains)
                .orElseGet(() -> extensionCapabilities.contains(capabilityName));
    }

    /** Every capability asked for, by name: the standard ones in their order, then the others sorted. */
    public List<String> capabilityNames() {
        return names(capabilities, extensionCapabilities);
    }

    static List<String> names(Set<Capability> standard, Set<String> extensions) {
        List<String> names = new ArrayList<>(standard.size() + extensions.size());
        standard.forEach(c -> names.add(c.manifestName()));
        names.addAll(extensions);
        return List.copyOf(names);
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
