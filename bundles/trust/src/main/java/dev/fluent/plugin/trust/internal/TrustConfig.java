package dev.fluent.plugin.trust.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.trust} ({@code etc/dev.fluent.plugin.trust.cfg}); every key is
 * optional. The method names give the keys by the rules of Declarative Services: {@code _} stands for
 * {@code .}, so {@code trusted_keys_dir()} is {@code trusted.keys.dir}.
 *
 * <p>Designated for its PID here ({@code pid}) rather than with {@code @Designate} on {@link FolderTrustStore}:
 * the store also reads the platform's policy PID ({@link PolicyConfig}), and bnd designates only a component
 * of a single configuration PID. Public for the command line, which builds the store outside OSGi.
 */
@ObjectClassDefinition(pid = TrustSettings.PID, name = "Fluent Plugin Platform: trusted keys",
        description = "The public keys trusted to sign plugins, and the revoked ones. Changes take effect "
                + "without a restart.")
public @interface TrustConfig {

    @AttributeDefinition(name = "Trusted keys folder",
            description = "One PEM file per trusted public key (Ed25519, or RSA of 3072 bits and up); adding or "
                    + "removing a file takes effect at once, and plugin:trust add|list|remove manage the folder. "
                    + "Empty means ${karaf.etc}/fluent/trusted-keys.")
    String trusted_keys_dir() default "";

    @AttributeDefinition(name = "Development keys folder",
            description = "Keys trusted only while development.mode = true in etc/dev.fluent.plugin.cfg. Empty "
                    + "means ${karaf.etc}/fluent/development-keys.")
    String development_keys_dir() default "";

    @AttributeDefinition(name = "Revoked keys",
            description = "Key ids (as plugin:trust list shows them), comma-separated, that verify nothing even "
                    + "when a folder above still holds the key. Revoking unloads the plugins the key signed; "
                    + "plugin:trust revoke <key-id> adds to this list.")
    String[] revoked_keys() default {};

    @AttributeDefinition(name = "Scan interval (seconds)", min = "1",
            description = "How often the folders are looked at for added or removed files (lookups look too).")
    long scan_interval_seconds() default TrustSettings.DEFAULT_SCAN_INTERVAL;
}
