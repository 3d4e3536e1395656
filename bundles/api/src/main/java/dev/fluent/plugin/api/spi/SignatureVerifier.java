package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Verifies signatures of one algorithm. Each verifier is an OSGi service carrying the service property
 * {@link #ALGORITHM}; the trust store picks the one a signature names, so stopping a verifier's bundle
 * makes plugins signed with that algorithm unloadable, and starting it again brings them back.
 *
 * <p>Keys travel as X.509 {@code SubjectPublicKeyInfo} in DER, the content of a {@code PUBLIC KEY} PEM
 * file. A verifier decides which keys of its algorithm are strong enough. Implementations are
 * stateless and thread-safe.
 */
@ConsumerType
public interface SignatureVerifier {

    /** Service property: the algorithm this verifier handles, as {@link #algorithm()} returns it. */
    String ALGORITHM = "signature.algorithm";

    /** The algorithm's name as a signature writes it, in lower case: {@code ed25519}, {@code rsa}. */
    String algorithm();

    /**
     * Checks that a public key can verify signatures of this algorithm.
     *
     * @param publicKey the key as {@code SubjectPublicKeyInfo}, DER
     * @return a short description for operators, e.g. {@code Ed25519} or {@code RSA 3072-bit}
     * @throws PluginException {@link ErrorCode#KEY_INVALID} when it is not a well-formed key of this
     *         algorithm, {@link ErrorCode#KEY_TOO_WEAK} when it is weaker than this verifier accepts
     */
    String checkKey(byte[] publicKey) throws PluginException;

    /**
     * Verifies one signature.
     *
     * @param publicKey the key as {@code SubjectPublicKeyInfo}, DER; checked as {@link #checkKey} does
     * @param data the bytes that were signed
     * @param signature the signature's bytes
     * @return whether {@code signature} is a valid signature of {@code data} under {@code publicKey}
     * @throws PluginException the errors of {@link #checkKey}, or {@link ErrorCode#SIGNATURE_MALFORMED}
     *         when {@code signature} cannot be a signature of this algorithm and key (a wrong length)
     */
    boolean verify(byte[] publicKey, byte[] data, byte[] signature) throws PluginException;
}
