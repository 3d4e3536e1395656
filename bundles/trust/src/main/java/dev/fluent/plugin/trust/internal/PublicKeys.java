package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Reads public keys and names them. A key is re-encoded from its parameters before its id is taken, so
 * two encodings of the same key (BER instead of DER, say) get the same id and the verifiers always see
 * plain DER.
 */
final class PublicKeys {

    /** The algorithms of the signing scheme (design §3); a verifier service handles each. */
    static final List<String> ALGORITHMS = List.of(PluginSigner.ED25519, PluginSigner.RSA);

    /**
     * A public key as the trust store keeps it.
     *
     * @param encoded its {@code SubjectPublicKeyInfo}, DER, as re-encoded here
     */
    record Parsed(String keyId, String algorithm, String description, byte[] encoded) {
    }

    private PublicKeys() {
    }

    /** @param what how messages name the key, e.g. its file */
    static Parsed parse(byte[] subjectPublicKeyInfo, String what) throws PluginException {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(subjectPublicKeyInfo);
        } catch (IOException | RuntimeException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is not a public key the platform can read ("
                    + e.getMessage() + "); it verifies " + String.join(" and ", ALGORITHMS) + " keys");
        }
        return of(key, what);
    }

    static Parsed of(AsymmetricKeyParameter key, String what) throws PluginException {
        String algorithm;
        String description;
        if (key instanceof Ed25519PublicKeyParameters) {
            algorithm = PluginSigner.ED25519;
            description = "Ed25519";
        } else if (key instanceof RSAKeyParameters rsa && !rsa.isPrivate()) {
            algorithm = PluginSigner.RSA;
            description = "RSA " + rsa.getModulus().bitLength() + "-bit";
        } else {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is a "
                    + key.getClass().getSimpleName().replace("PublicKeyParameters", "").replace("Parameters", "")
                    + " key; the platform verifies " + String.join(" and ", ALGORITHMS) + " signatures");
        }
        byte[] encoded;
        try {
            encoded = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " cannot be encoded: " + e.getMessage(), e);
        }
        return new Parsed(KeyIds.of(encoded), algorithm, description, encoded);
    }
}
