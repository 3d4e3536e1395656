package dev.fluent.plugin.verifier.rsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.math.BigInteger;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.osgi.service.component.annotations.Component;

/**
 * RSASSA-PSS (RFC 8017) with SHA-256, MGF1 with SHA-256, a 32-byte salt and the trailer 0xBC: what
 * {@code openssl pkeyutl -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt digest:sha256}
 * and Java's {@code RSASSA-PSS} with those parameters produce. Keys are {@code SubjectPublicKeyInfo} with
 * the algorithm rsaEncryption, of {@value #MIN_BITS} to {@value #MAX_BITS} bits; weaker keys are refused
 * with {@code KEY_TOO_WEAK}, larger ones as a waste of every load's time. Stateless.
 */
@Component(service = SignatureVerifier.class,
        property = SignatureVerifier.ALGORITHM + "=" + RsaVerifier.ALGORITHM)
public final class RsaVerifier implements SignatureVerifier {

    static final String ALGORITHM = "rsa";
    /** NIST SP 800-57: 3072 bits for security beyond 2030. */
    static final int MIN_BITS = 3072;
    static final int MAX_BITS = 16384;
    static final int SALT_BYTES = 32;

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public String checkKey(byte[] publicKey) throws PluginException {
        return "RSA " + key(publicKey).getModulus().bitLength() + "-bit";
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] data, byte[] signature) throws PluginException {
        RSAKeyParameters key = key(publicKey);
        int bits = key.getModulus().bitLength();
        int length = (bits + 7) / 8;
        if (signature.length != length) {
            throw new PluginException(ErrorCode.SIGNATURE_MALFORMED, null, "an RSA signature made with this " + bits
                    + "-bit key is " + length + " bytes, this one is " + signature.length
                    + ": it was truncated or made with another key");
        }
        PSSSigner verifier = new PSSSigner(new RSAEngine(), new SHA256Digest(), SALT_BYTES);
        verifier.init(false, key);
        verifier.update(data, 0, data.length);
        try {
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            // A signature value at or above the modulus: no key made it.
            return false;
        }
    }

    private static RSAKeyParameters key(byte[] encoded) throws PluginException {
        SubjectPublicKeyInfo info;
        RSAPublicKey rsa;
        try {
            info = SubjectPublicKeyInfo.getInstance(encoded);
            if (info == null) {
                throw invalid("is empty");
            }
            if (!PKCSObjectIdentifiers.rsaEncryption.equals(info.getAlgorithm().getAlgorithm())) {
                throw invalid("is not an RSA key (its algorithm is OID " + info.getAlgorithm().getAlgorithm()
                        + "; expected rsaEncryption, " + PKCSObjectIdentifiers.rsaEncryption + ")");
            }
            rsa = RSAPublicKey.getInstance(info.parsePublicKey());
        } catch (java.io.IOException | RuntimeException e) {
            throw invalid("is not a DER SubjectPublicKeyInfo holding an RSA key (" + e.getMessage() + ")");
        }
        BigInteger modulus = rsa.getModulus();
        BigInteger exponent = rsa.getPublicExponent();
        int bits = modulus.bitLength();
        if (bits < MIN_BITS) {
            throw new PluginException(ErrorCode.KEY_TOO_WEAK, null, "the RSA key has " + bits
                    + " bits; the platform accepts RSA keys of " + MIN_BITS + " bits and up. Make a new key"
                    + " (plugin:keygen --algorithm rsa makes one of " + MIN_BITS + " bits, or use ed25519)");
        }
        if (bits > MAX_BITS) {
            throw invalid("has " + bits + " bits; the platform accepts at most " + MAX_BITS);
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0) {
            throw invalid("has the public exponent " + exponent + "; it must be odd and at least 3");
        }
        try {
            return new RSAKeyParameters(false, modulus, exponent);
        } catch (IllegalArgumentException e) {
            throw invalid("is not a usable RSA key (" + e.getMessage() + ")");
        }
    }

    private static PluginException invalid(String problem) {
        return new PluginException(ErrorCode.KEY_INVALID, null, "the public key " + problem);
    }
}
