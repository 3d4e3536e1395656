package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;

/**
 * A private key that signs, with its public half. The signature formats are the scheme's (design §3,
 * docs/signing.md): Ed25519 of RFC 8032, and RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt;
 * the verifier bundles check exactly these, and the tests sign here and verify there.
 */
final class SigningKey {

    /** The size {@code keygen} gives RSA keys, and the least {@code sign} accepts: the RSA verifier's minimum. */
    static final int RSA_BITS = 3072;
    static final int RSA_SALT_BYTES = 32;
    private static final BigInteger RSA_EXPONENT = BigInteger.valueOf(65537);
    /** id-Ed25519, RFC 8410. */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");
    private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    private final AsymmetricKeyParameter privateKey;
    private final PublicKeys.Parsed publicKey;

    private SigningKey(AsymmetricKeyParameter privateKey, PublicKeys.Parsed publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    static SigningKey generate(String algorithm, SecureRandom random) throws PluginException {
        AsymmetricCipherKeyPair pair;
        if (PluginSigner.ED25519.equals(algorithm)) {
            Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
            generator.init(new Ed25519KeyGenerationParameters(random));
            pair = generator.generateKeyPair();
        } else if (PluginSigner.RSA.equals(algorithm)) {
            RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
            generator.init(new RSAKeyGenerationParameters(RSA_EXPONENT, random, RSA_BITS, 128));
            pair = generator.generateKeyPair();
        } else {
            throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, null, "unknown algorithm '" + algorithm
                    + "'; keys can be made for " + String.join(" and ", PublicKeys.ALGORITHMS));
        }
        return new SigningKey(pair.getPrivate(), PublicKeys.of(pair.getPublic(), "the new key"));
    }

    /** Reads an unencrypted PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}). */
    static SigningKey read(Path file) throws PluginException {
        String what = file.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, "no private key file " + file);
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is too large to be a key file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot read " + what + ": " + e.getMessage(), e);
        }
        byte[] der = Pem.read(new String(bytes, StandardCharsets.UTF_8), Pem.PRIVATE_KEY, what);
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is not a private key the platform can read ("
                    + e.getMessage() + ")");
        }
        if (key instanceof Ed25519PrivateKeyParameters ed25519) {
            return new SigningKey(key, PublicKeys.of(ed25519.generatePublicKey(), what));
        }
        if (key instanceof RSAPrivateCrtKeyParameters rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < RSA_BITS) {
                throw new PluginException(ErrorCode.KEY_TOO_WEAK, null, what + " is an RSA key of " + bits
                        + " bits; the platform accepts RSA keys of " + RSA_BITS + " bits and up");
            }
            return new SigningKey(key, PublicKeys.of(
                    new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent()), what));
        }
        throw new PluginException(ErrorCode.KEY_INVALID, null, what + " is a " + key.getClass().getSimpleName()
                + "; the platform signs with " + String.join(" and ", PublicKeys.ALGORITHMS) + " keys");
    }

    String algorithm() {
        return publicKey.algorithm();
    }

    String keyId() {
        return publicKey.keyId();
    }

    PublicKeys.Parsed publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] data, SecureRandom random) {
        if (privateKey instanceof Ed25519PrivateKeyParameters) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, privateKey);
            signer.update(data, 0, data.length);
            return signer.generateSignature();
        }
        PSSSigner signer = new PSSSigner(new RSABlindedEngine(), new SHA256Digest(), RSA_SALT_BYTES);
        signer.init(true, new ParametersWithRandom(privateKey, random));
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException e) {
            throw new IllegalStateException("RSA-PSS signing failed", e);
        }
    }

    /**
     * PKCS#8, the form {@code openssl genpkey} writes. For Ed25519 version 1 without the optional public
     * key (RFC 8410 section 7), which every reader takes; the public key follows from the private one.
     */
    String privateKeyPem() {
        try {
            PrivateKeyInfo info = privateKey instanceof Ed25519PrivateKeyParameters ed25519
                    ? new PrivateKeyInfo(new AlgorithmIdentifier(ID_ED25519), new DEROctetString(ed25519.getEncoded()))
                    : PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey);
            return Pem.write(Pem.PRIVATE_KEY, info.getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a key made here", e);
        }
    }

    /** {@code SubjectPublicKeyInfo}, the form {@code openssl pkey -pubout} writes. */
    String publicKeyPem() {
        return Pem.write(Pem.PUBLIC_KEY, publicKey.encoded());
    }
}
