package dev.fluent.example.ecdsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/** ECDSA over NIST P-256 with SHA-256, signatures DER-encoded: what both the verifier and the signer use. */
final class P256 {

    /** The algorithm as signatures name it. */
    static final String ALGORITHM = "ecdsa-p256";
    static final String SIGNATURE = "SHA256withECDSA";
    /** The order of P-256's base point: a P-256 key is an EC key on a curve of this order. */
    private static final String ORDER = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

    private P256() {
    }

    /** A P-256 public key from its SubjectPublicKeyInfo, or {@code KEY_INVALID} saying what it is not. */
    static ECPublicKey publicKey(byte[] subjectPublicKeyInfo) throws PluginException {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "not an EC public key: " + e.getMessage());
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "an EC key on another curve than P-256");
        }
        return ec;
    }

    static boolean isP256(ECParameterSpec params) {
        return params.getOrder().toString(16).equals(ORDER) && params.getCofactor() == 1;
    }

    /** The key id every key gets on the platform: the first 16 bytes of SHA-256 over its SubjectPublicKeyInfo. */
    static String keyId(byte[] subjectPublicKeyInfo) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
