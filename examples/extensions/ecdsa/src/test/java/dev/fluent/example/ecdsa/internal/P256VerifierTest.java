package dev.fluent.example.ecdsa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class P256VerifierTest {

    private final P256Verifier verifier = new P256Verifier();

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] sign(KeyPair pair, byte[] data) throws Exception {
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(pair.getPrivate());
        ecdsa.update(data);
        return ecdsa.sign();
    }

    @Test
    void verifiesAP256SignatureAndRefusesOneOverOtherBytes() throws Exception {
        KeyPair pair = pair("secp256r1");
        byte[] data = "{\"name\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        byte[] signature = sign(pair, data);

        assertEquals("ECDSA P-256", verifier.checkKey(pair.getPublic().getEncoded()));
        assertTrue(verifier.verify(pair.getPublic().getEncoded(), data, signature));
        assertFalse(verifier.verify(pair.getPublic().getEncoded(), "{\"name\":\"q\"}".getBytes(StandardCharsets.UTF_8),
                signature));
    }

    @Test
    void refusesKeysOfOtherCurvesAndOtherAlgorithms() throws Exception {
        PluginException curve = assertThrows(PluginException.class,
                () -> verifier.checkKey(pair("secp384r1").getPublic().getEncoded()));
        assertEquals(ErrorCode.KEY_INVALID, curve.code());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        assertEquals(ErrorCode.KEY_INVALID, assertThrows(PluginException.class,
                () -> verifier.checkKey(rsa.generateKeyPair().getPublic().getEncoded())).code());
    }

    @Test
    void callsASignatureThatIsNotDerMalformed() throws Exception {
        KeyPair pair = pair("secp256r1");
        PluginException e = assertThrows(PluginException.class,
                () -> verifier.verify(pair.getPublic().getEncoded(), new byte[] {1}, new byte[64]));
        assertEquals(ErrorCode.SIGNATURE_MALFORMED, e.code());
    }

    @Test
    void signingEditsKeepTheManifestsLayout() throws Exception {
        String json = "{\n  \"name\": \"p\",\n  \"signature\": \"ed25519:aa:bb\",\n  \"checksum\": \"00\"\n}\n";
        String edited = ManifestText.withSignature(ManifestText.withChecksum(ManifestText.withoutSignature(json),
                "ff"), "ecdsa-p256:cc:dd");
        assertEquals("{\n  \"signature\": \"ecdsa-p256:cc:dd\",\n  \"name\": \"p\",\n  \"checksum\": \"ff\"\n}\n",
                edited);
        assertEquals("{\"a\": 1}", ManifestText.withoutSignature("{\"a\": 1, \"signature\": \"x\"}"));
    }
}
