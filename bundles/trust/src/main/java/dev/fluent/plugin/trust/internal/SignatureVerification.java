package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustedKey;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Checks a manifest's {@code <algorithm>:<key-id>:<base64>} signature: with the {@link SignatureVerifier} service
 * of its algorithm, against a key of the {@link KeyFolders}. Verifiers come and go with their bundles; a signature
 * whose verifier is not bound fails at once ({@code ALGORITHM_UNAVAILABLE}), and verifies as soon as it is bound.
 * Nothing here waits: the platform loads plugins at start only once Karaf's boot features, the verifiers among
 * them, are up.
 */
final class SignatureVerification {

    private final Algorithms verifiers;
    private final KeyFolders keys;

    SignatureVerification(KeyFolders keys, Algorithms verifiers) {
        this.keys = keys;
        this.verifiers = verifiers;
    }

    /**
     * Lets the key's verifier, when it is bound, refuse a key it would never accept (an RSA key too weak, say).
     *
     * @param file the key's file, named in the message
     */
    void checkKey(PublicKeys.Parsed key, Path file) throws PluginException {
        SignatureVerifier verifier = verifiers.verifier(key.algorithm());
        if (verifier == null) {
            return;
        }
        try {
            verifier.checkKey(key.encoded());
        } catch (PluginException e) {
            throw new PluginException(e.code(), null, file + ": " + e.getMessage(), e);
        }
    }

    /** The key that signed the manifest, when the signature is good and the key trusted. */
    TrustedKey verify(PluginManifest manifest, byte[] signedContent) throws PluginException {
        String id = manifest.name();
        String signature = manifest.signature();
        if (signature == null) {
            throw new PluginException(ErrorCode.SIGNATURE_MISSING, id, "plugin " + id + " is not signed");
        }
        String[] parts = signature.split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw malformed(id, "is not <algorithm>:<key-id>:<base64>");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw malformed(id, "has a base64 part that does not decode (" + e.getMessage() + ")");
        }
        String algorithm = parts[0];
        SignatureVerifier verifier = verifier(id, algorithm);
        KeyFolders.Key entry = keys.trusted(id, parts[1]);
        TrustedKey key = entry.info(false);
        if (!key.algorithm().equals(algorithm)) {
            throw new PluginException(ErrorCode.SIGNATURE_INVALID, id, "the signature of plugin " + id
                    + " names the algorithm " + algorithm + ", but key " + key.keyId() + " is an " + key.algorithm()
                    + " key: the key did not make this signature");
        }
        boolean valid;
        try {
            valid = verifier.verify(entry.key().encoded(), signedContent, bytes);
        } catch (PluginException e) {
            throw new PluginException(e.code(), id, "plugin " + id + ", key " + key.keyId() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PluginException(ErrorCode.INTERNAL, id, "the " + algorithm + " verifier failed on plugin " + id
                    + ": " + e, e);
        }
        if (!valid) {
            throw new PluginException(ErrorCode.SIGNATURE_INVALID, id, "the signature of plugin " + id + " by key "
                    + key.keyId() + " does not match its manifest: a signed field (capabilities, permissions,"
                    + " expiry, checksum …) was changed after signing, or something else was signed. Get the plugin"
                    + " again from its author, or re-sign it with plugin:sign if you are the author");
        }
        return key;
    }

    /** The verifier bound for the algorithm now; never waits for one. */
    private SignatureVerifier verifier(String pluginId, String algorithm) throws PluginException {
        SignatureVerifier verifier = verifiers.verifier(algorithm);
        if (verifier != null) {
            return verifier;
        }
        if (PublicKeys.ALGORITHMS.contains(algorithm)) {
            throw new PluginException(ErrorCode.ALGORITHM_UNAVAILABLE, pluginId, "plugin " + pluginId + " is signed with "
                    + algorithm + ", but no " + algorithm + " verifier is running: start the bundle"
                    + " dev.fluent.plugin.verifier." + algorithm + " (feature fluent-plugin-verifier-" + algorithm + ")");
        }
        if (verifiers.seen(algorithm)) {
            // Served by another bundle until it stopped.
            throw new PluginException(ErrorCode.ALGORITHM_UNAVAILABLE, pluginId, "plugin " + pluginId + " is signed with "
                    + algorithm + ", but its verifier stopped (the platform verifies " + verifiers.list()
                    + " now): start again, or install, the bundle that registers a SignatureVerifier for " + algorithm);
        }
        throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, pluginId, "plugin " + pluginId + " is signed with '"
                + algorithm + "', an algorithm no running verifier serves; the platform verifies " + verifiers.list()
                + " signatures. A bundle that registers a SignatureVerifier for it would let it load");
    }

    private static PluginException malformed(String id, String problem) {
        return new PluginException(ErrorCode.SIGNATURE_MALFORMED, id, "the signature of plugin " + id + " " + problem);
    }
}
