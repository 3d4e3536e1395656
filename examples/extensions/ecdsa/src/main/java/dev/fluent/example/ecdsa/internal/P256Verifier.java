package dev.fluent.example.ecdsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;
import org.osgi.service.component.annotations.Component;

/**
 * Verifies {@code ecdsa-p256} signatures: ECDSA over P-256 with SHA-256, DER-encoded, by keys whose
 * SubjectPublicKeyInfo is an EC key on P-256. Stateless: a new {@link Signature} per call, so any number of
 * loads verify at once.
 */
@Component(service = SignatureVerifier.class, property = SignatureVerifier.ALGORITHM + "=" + P256.ALGORITHM)
public final class P256Verifier implements SignatureVerifier {

    /** A DER ECDSA-P-256 signature: SEQUENCE of two INTEGERs of at most 33 bytes, 8 to 72 bytes in all. */
    private static final int MIN_SIGNATURE = 8;
    private static final int MAX_SIGNATURE = 72;

    @Override
    public String algorithm() {
        return P256.ALGORITHM;
    }

    @Override
    public String checkKey(byte[] publicKey) throws PluginException {
        P256.publicKey(publicKey);
        return "ECDSA P-256";
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] data, byte[] signature) throws PluginException {
        if (signature.length < MIN_SIGNATURE || signature.length > MAX_SIGNATURE || signature[0] != 0x30) {
            throw new PluginException(ErrorCode.SIGNATURE_MALFORMED, null, "an ecdsa-p256 signature is a DER"
                    + " SEQUENCE of 8 to 72 bytes; this one has " + signature.length);
        }
        try {
            Signature ecdsa = Signature.getInstance(P256.SIGNATURE);
            ecdsa.initVerify(P256.publicKey(publicKey));
            ecdsa.update(data);
            return ecdsa.verify(signature);
        } catch (SignatureException e) {
            throw new PluginException(ErrorCode.SIGNATURE_MALFORMED, null, "not a DER ECDSA signature: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "ECDSA is not available in this JVM: " + e);
        }
    }
}
