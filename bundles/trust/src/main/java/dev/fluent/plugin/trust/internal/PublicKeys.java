package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Reads public keys and names them. A key is re-encoded from its parameters before its id is taken, so
 * two encodings of the same key (BER instead of DER, say) get the same id and the verifiers always see
 * plain DER.
 *
 * <p>Key ids are the first 16 bytes of the SHA-256 of a key's {@code SubjectPublicKeyInfo} in DER, as 32
 * lowercase hex digits. The id follows from the key alone, so signer and verifier agree on it without
 * exchanging anything, and a file name or comment cannot change it. 128 bits keep collisions out of reach
 * (a second key with the same id would need about 2^128 tries).
 */
final class PublicKeys {

    static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{32}");
    static final String KEY_ID_RULE = "32 lowercase hex digits, as plugin:trust list shows";

    /** The algorithms whose keys the trust bundle reads itself (and signs with); others come from verifiers. */
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

    static String keyId(byte[] subjectPublicKeyInfo) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
            return HexFormat.of().formatHex(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static boolean isKeyId(String text) {
        return text != null && KEY_ID.matcher(text).matches();
    }

    /** @param what how messages name the key, e.g. its file */
    static Parsed parse(byte[] subjectPublicKeyInfo, String what) throws PluginException {
        return parse(subjectPublicKeyInfo, what, new Algorithms());
    }

    /**
     * @param what how messages name the key, e.g. its file
     * @param algorithms the verifiers bound now, which recognise keys of algorithms other than Ed25519 and RSA
     */
    static Parsed parse(byte[] subjectPublicKeyInfo, String what, Algorithms algorithms) throws PluginException {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(subjectPublicKeyInfo);
        } catch (IOException | RuntimeException e) {
            key = null; // not a key BouncyCastle reads: a verifier of its algorithm may
        }
        if (key instanceof Ed25519PublicKeyParameters || key instanceof RSAKeyParameters) {
            return of(key, what);
        }
        return other(subjectPublicKeyInfo, what, algorithms);
    }

    /** A key of another algorithm: its SubjectPublicKeyInfo names it (the OID), a verifier bound now accepts it. */
    private static Parsed other(byte[] subjectPublicKeyInfo, String what, Algorithms algorithms) throws PluginException {
        SubjectPublicKeyInfo info;
        byte[] encoded;
        try {
            info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(subjectPublicKeyInfo));
            encoded = info.getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is not a public key (SubjectPublicKeyInfo)"
                    + " the platform can read (" + e.getMessage() + "); it verifies " + algorithms.list() + " keys");
        }
        Algorithms.Recognised recognised = algorithms.recognise(encoded);
        if (recognised == null) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is a key of algorithm "
                    + info.getAlgorithm().getAlgorithm().getId() + ", which no running signature verifier accepts;"
                    + " the platform verifies " + algorithms.list() + " keys now. Install the verifier bundle of its"
                    + " algorithm (a SignatureVerifier service), then add the key again");
        }
        return new Parsed(keyId(encoded), recognised.algorithm(), recognised.description(), encoded);
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
        return new Parsed(keyId(encoded), algorithm, description, encoded);
    }
}
