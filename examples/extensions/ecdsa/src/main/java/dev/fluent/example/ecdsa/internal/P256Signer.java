package dev.fluent.example.ecdsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Makes {@code ecdsa-p256} key pairs and signs plugin folders with them, beside {@link P256Verifier}. Registered
 * with a ranking below the platform's own signer, so {@code plugin:keygen} and {@code plugin:sign} keep theirs;
 * callers that want this one look it up by its {@code signature.algorithm} property. The canonical bytes come
 * from the platform's {@link ManifestParser} service, the same the trust store verifies against.
 */
@Component(service = PluginSigner.class, property = {SignatureVerifier.ALGORITHM + "=" + P256.ALGORITHM,
        Constants.SERVICE_RANKING + ":Integer=-100"})
public final class P256Signer implements PluginSigner {

    private final ManifestParser parser;

    @Activate
    public P256Signer(@Reference ManifestParser parser) {
        this.parser = parser;
    }

    @Override
    public GeneratedKeyPair generateKeyPair(String algorithm, Path directory) throws PluginException {
        if (!P256.ALGORITHM.equals(algorithm)) {
            throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, null, "this signer makes " + P256.ALGORITHM
                    + " keys, not '" + algorithm + "'");
        }
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, directory + " holds a key pair already; choose"
                    + " another folder (keys are never overwritten)");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(directory);
            Pem.writeOwnerOnly(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded());
            Pem.write(publicFile, "PUBLIC KEY", pair.getPublic().getEncoded());
            return new GeneratedKeyPair(P256.keyId(pair.getPublic().getEncoded()), P256.ALGORITHM, privateFile,
                    publicFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot make a key pair in " + directory + ": " + e);
        }
    }

    /**
     * Signs with the private key of {@code privateKeyFile}; its public half must lie beside it as
     * {@value PluginSigner#PUBLIC_KEY_FILE} (as {@link #generateKeyPair} writes them), since the signature
     * names the key by its id.
     */
    @Override
    public PluginManifest sign(Path privateKeyFile, Path pluginFolder) throws PluginException {
        PrivateKey key = privateKey(privateKeyFile);
        Path publicFile = privateKeyFile.resolveSibling(PUBLIC_KEY_FILE);
        byte[] publicKey = Pem.read(publicFile, "PUBLIC KEY");
        P256.publicKey(publicKey);
        try {
            byte[] wasm = Files.readAllBytes(pluginFolder.resolve("plugin.wasm"));
            String checksum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
            String json = ManifestText.withChecksum(ManifestText.withoutSignature(
                    Files.readString(pluginFolder.resolve("manifest.json"), StandardCharsets.UTF_8)), checksum);
            Signature ecdsa = Signature.getInstance(P256.SIGNATURE);
            ecdsa.initSign(key);
            ecdsa.update(parser.signedContent(json.getBytes(StandardCharsets.UTF_8)));
            String signature = P256.ALGORITHM + ":" + P256.keyId(publicKey) + ":"
                    + Base64.getEncoder().encodeToString(ecdsa.sign());
            String signed = ManifestText.withSignature(json, signature);
            PluginManifest manifest = parser.parse(signed.getBytes(StandardCharsets.UTF_8));
            Files.writeString(pluginFolder.resolve("manifest.json"), signed, StandardCharsets.UTF_8);
            return manifest;
        } catch (IOException e) {
            throw new PluginException(ErrorCode.MANIFEST_INVALID, null, "cannot read or write the plugin in "
                    + pluginFolder + ": " + e);
        } catch (GeneralSecurityException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "ECDSA is not available in this JVM: " + e);
        }
    }

    private static PrivateKey privateKey(Path file) throws PluginException {
        byte[] pkcs8 = Pem.read(file, "PRIVATE KEY");
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            if (key instanceof ECPrivateKey ec && P256.isP256(ec.getParams())) {
                return key;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, file + " is not an EC private key (PKCS#8): "
                    + e.getMessage());
        }
        throw new PluginException(ErrorCode.KEY_INVALID, null, file + " is an EC key on another curve than P-256");
    }
}
