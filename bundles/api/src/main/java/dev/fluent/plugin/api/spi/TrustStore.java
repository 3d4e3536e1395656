package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The keys the operator trusts to sign plugins, and the ids of revoked keys. Answers the one question the
 * load path asks, "did a trusted key sign this manifest?", through the {@link SignatureVerifier} of the
 * signature's algorithm. Changes (a key added, removed or revoked) reach every {@link TrustListener}
 * service.
 */
@ProviderType
public interface TrustStore {

    /**
     * Checks a manifest's signature.
     *
     * @param manifest a parsed manifest with a {@link PluginManifest#signature() signature}
     * @param signedContent what the signature covers: {@code ManifestParser.signedContent} of that manifest
     * @return the key that made the signature
     * @throws PluginException {@link ErrorCode#SIGNATURE_MALFORMED}, {@link ErrorCode#ALGORITHM_UNKNOWN},
     *         {@link ErrorCode#ALGORITHM_UNAVAILABLE}, {@link ErrorCode#KEY_REVOKED},
     *         {@link ErrorCode#KEY_UNTRUSTED}, {@link ErrorCode#KEY_TOO_WEAK}, {@link ErrorCode#KEY_INVALID}
     *         or {@link ErrorCode#SIGNATURE_INVALID}, naming the plugin, the key and the fix
     */
    TrustedKey verify(PluginManifest manifest, byte[] signedContent) throws PluginException;

    /**
     * Whether a key is trusted now: present and not revoked.
     *
     * @param pluginId the plugin asking, named in the error; may be {@code null}
     * @throws PluginException {@link ErrorCode#KEY_REVOKED} or {@link ErrorCode#KEY_UNTRUSTED}
     */
    TrustedKey require(String pluginId, String keyId) throws PluginException;

    /** Every key present, revoked ones included (marked), by key id. */
    List<TrustedKey> keys();

    /** The revocation list: ids of keys that verify nothing, whether or not a file holds them. */
    Set<String> revokedKeyIds();

    /**
     * Trusts a public key: copies it into the trusted keys folder as {@code <key-id>.pem}. Adding a key
     * that is already trusted changes nothing.
     *
     * @param publicKeyFile a PEM file holding one {@code PUBLIC KEY}
     * @throws PluginException {@link ErrorCode#KEY_INVALID} or {@link ErrorCode#KEY_TOO_WEAK}
     */
    TrustedKey add(Path publicKeyFile) throws PluginException;

    /**
     * Stops trusting a key: deletes the files in the trusted keys folder that hold it. Plugins it signed
     * are unloaded.
     *
     * @throws PluginException {@link ErrorCode#KEY_UNTRUSTED} when no trusted key has that id
     */
    TrustedKey remove(String keyId) throws PluginException;

    /**
     * Puts a key id on the revocation list (persisted through Config Admin). Plugins the key signed are
     * unloaded and refused from then on, even if a file still holds the key.
     *
     * @throws PluginException {@link ErrorCode#KEY_INVALID} when {@code keyId} is not a key id
     */
    void revoke(String keyId) throws PluginException;
}
