package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustedKey;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An algorithm the trust bundle does not know, served by a verifier of another bundle: here ECDSA P-256 on the
 * JDK's own provider. Its keys are trusted while it runs (the key's SubjectPublicKeyInfo names the algorithm,
 * the verifier accepts it), its signatures verify, and once it stops they fail with ALGORITHM_UNAVAILABLE.
 */
class ThirdPartyAlgorithmTest {

    private static final String P256 = "ecdsa-p256";

    /** A verifier as a third party writes it: stateless, the JDK's EC provider, P-256 keys only. */
    static final class P256Verifier implements SignatureVerifier {
        @Override
        public String algorithm() {
            return P256;
        }

        @Override
        public String checkKey(byte[] publicKey) throws PluginException {
            key(publicKey);
            return "ECDSA P-256";
        }

        private static PublicKey key(byte[] publicKey) throws PluginException {
            try {
                PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKey));
                if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new PluginException(ErrorCode.KEY_INVALID, null, "not a P-256 key");
                }
                return key;
            } catch (GeneralSecurityException e) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, "not an EC key: " + e.getMessage());
            }
        }

        @Override
        public boolean verify(byte[] publicKey, byte[] data, byte[] signature) throws PluginException {
            try {
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(key(publicKey));
                ecdsa.update(data);
                return ecdsa.verify(signature);
            } catch (java.security.SignatureException e) {
                throw new PluginException(ErrorCode.SIGNATURE_MALFORMED, null, "not a DER ECDSA signature");
            } catch (GeneralSecurityException e) {
                throw new PluginException(ErrorCode.INTERNAL, null, e.toString());
            }
        }
    }

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final P256Verifier verifier = new P256Verifier();
    private final List<String> changes = new ArrayList<>();
    private FolderTrustStore trust;
    private Path trusted;
    private KeyPair pair;

    @BeforeEach
    void setUp() throws Exception {
        trusted = temp.resolve("trusted");
        Map<String, Object> config = new HashMap<>();
        config.put(TrustSettings.TRUSTED_KEYS_DIR, trusted.toString());
        config.put(TrustSettings.DEVELOPMENT_KEYS_DIR, temp.resolve("development").toString());
        trust = new FolderTrustStore(TrustSettings.from(TrustSettingsTest.config(config),
                TrustSettingsTest.policy(config)), false);
        trust.addVerifier(new Ed25519Verifier());
        trust.addListener((keyId, change) -> changes.add(change + " " + keyId));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        pair = generator.generateKeyPair();
    }

    @AfterEach
    void tearDown() {
        trust.deactivate();
    }

    /** The sample manifest signed with the P-256 key, as the verifier's own signer would. */
    private byte[] signedManifest() throws Exception {
        byte[] json = FileSignerTest.MANIFEST.getBytes(StandardCharsets.UTF_8);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(pair.getPrivate());
        ecdsa.update(parser.signedContent(json));
        String signature = P256 + ":" + TestKeys.keyId(pair) + ":"
                + Base64.getEncoder().encodeToString(ecdsa.sign());
        return FileSignerTest.MANIFEST.replace("\"checksum\"", "\"signature\": \"" + signature + "\",\n  \"checksum\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    private TrustedKey verify() throws Exception {
        byte[] json = signedManifest();
        PluginManifest manifest = parser.parse(json);
        return trust.verify(manifest, parser.signedContent(json));
    }

    @Test
    void aKeyOfTheVerifiersAlgorithmIsTrustedAndItsSignaturesVerify() throws Exception {
        trust.addVerifier(verifier);
        TestKeys.writePublic(pair, trusted, "p256");
        trust.addVerifier(verifier); // a scan: the folder is read again

        TrustedKey key = verify();

        assertEquals(P256, key.algorithm());
        assertEquals("ECDSA P-256", key.description());
        assertEquals(TestKeys.keyId(pair), key.keyId());
    }

    @Test
    void aKeyDroppedBeforeItsVerifierStartsIsTrustedOnceItDoes() throws Exception {
        TestKeys.writePublic(pair, trusted, "p256");
        trust.addVerifier(new Ed25519Verifier()); // a scan without the P-256 verifier: the key is ignored
        assertTrue(trust.keys().isEmpty());

        trust.addVerifier(verifier);

        assertEquals(List.of(P256), trust.keys().stream().map(TrustedKey::algorithm).toList());
        assertTrue(changes.contains("TRUSTED " + TestKeys.keyId(pair)), changes.toString());
        assertEquals(P256, verify().algorithm());
    }

    @Test
    void whenTheVerifierStopsSignaturesOfItsAlgorithmAreUnavailable() throws Exception {
        trust.addVerifier(verifier);
        TestKeys.writePublic(pair, trusted, "p256");
        trust.addVerifier(verifier);
        verify();

        trust.removeVerifier(verifier);

        PluginException e = assertThrows(PluginException.class, this::verify);
        assertEquals(ErrorCode.ALGORITHM_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("SignatureVerifier for " + P256), e.getMessage());
    }

    @Test
    void itsKeysStayTrustedAfterTheVerifierStopsUntilTheirFileChanges() throws Exception {
        trust.addVerifier(verifier);
        TestKeys.writePublic(pair, trusted, "p256");
        trust.addVerifier(verifier);
        trust.removeVerifier(verifier);

        TestKeys.writePublic(TestKeys.ed25519(), trusted, "another"); // the folder changes: it is read again

        assertEquals(List.of(P256), trust.keys().stream().map(TrustedKey::algorithm)
                .filter(P256::equals).toList());
        assertEquals(P256, trust.remove(TestKeys.keyId(pair)).algorithm());
    }

    @Test
    void addNamesTheAlgorithmsServedWhenNoVerifierAcceptsTheKey() throws Exception {
        Path file = TestKeys.writePublic(pair, temp.resolve("keys"), "p256");

        PluginException refused = assertThrows(PluginException.class, () -> trust.add(file));
        assertEquals(ErrorCode.KEY_INVALID, refused.code());
        assertTrue(refused.getMessage().contains("1.2.840.10045.2.1"), refused.getMessage());

        trust.addVerifier(verifier);
        assertEquals(P256, trust.add(file).algorithm());
    }
}
