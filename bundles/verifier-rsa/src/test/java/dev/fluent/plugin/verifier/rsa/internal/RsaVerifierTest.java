package dev.fluent.plugin.verifier.rsa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RSASSA-PSS signatures made by the JDK (another implementation) with the scheme's parameters verify. */
class RsaVerifierTest {

    private static final byte[] DATA = "{\"name\":\"echo\"}".getBytes(StandardCharsets.UTF_8);

    private static KeyPair keys;
    private static byte[] signature;
    private final RsaVerifier verifier = new RsaVerifier();

    @BeforeAll
    static void sign() throws Exception {
        keys = generate(3072);
        signature = pss(keys.getPrivate(), 32);
    }

    private static KeyPair generate(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private static byte[] pss(PrivateKey key, int saltBytes) throws Exception {
        Signature signer = Signature.getInstance("RSASSA-PSS");
        signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltBytes, 1));
        signer.initSign(key);
        signer.update(DATA);
        return signer.sign();
    }

    private static byte[] publicKey() {
        return keys.getPublic().getEncoded();
    }

    private static PluginException failsWith(ErrorCode code, Executable action) {
        PluginException e = assertThrows(PluginException.class, action::run);
        assertEquals(code, e.code(), e::toString);
        return e;
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void namesItsAlgorithmAndKeySize() throws PluginException {
        assertEquals("rsa", verifier.algorithm());
        assertEquals("RSA 3072-bit", verifier.checkKey(publicKey()));
    }

    @Test
    void verifiesAPssSha256Signature() throws PluginException {
        assertTrue(verifier.verify(publicKey(), DATA, signature));
    }

    @Test
    void refusesChangedData() throws PluginException {
        byte[] changed = DATA.clone();
        changed[0] ^= 1;
        assertFalse(verifier.verify(publicKey(), changed, signature));
    }

    @Test
    void refusesAChangedSignature() throws PluginException {
        byte[] changed = signature.clone();
        changed[100] ^= 1;
        assertFalse(verifier.verify(publicKey(), DATA, changed));
    }

    @Test
    void refusesOtherPssParametersAndPkcs1() throws Exception {
        assertFalse(verifier.verify(publicKey(), DATA, pss(keys.getPrivate(), 20)), "salt of 20 bytes");
        Signature pkcs1 = Signature.getInstance("SHA256withRSA");
        pkcs1.initSign(keys.getPrivate());
        pkcs1.update(DATA);
        assertFalse(verifier.verify(publicKey(), DATA, pkcs1.sign()), "PKCS#1 v1.5");
    }

    @Test
    void refusesASignatureValueAboveTheModulus() throws PluginException {
        byte[] ones = new byte[signature.length];
        Arrays.fill(ones, (byte) 0xFF);
        assertFalse(verifier.verify(publicKey(), DATA, ones));
    }

    @Test
    void callsATruncatedSignatureMalformed() {
        PluginException e = failsWith(ErrorCode.SIGNATURE_MALFORMED,
                () -> verifier.verify(publicKey(), DATA, Arrays.copyOf(signature, signature.length - 1)));
        assertTrue(e.getMessage().contains("384 bytes"), e.getMessage());
    }

    @Test
    void refusesKeysBelow3072Bits() throws Exception {
        KeyPair weak = generate(2048);
        byte[] weakSignature = pss(weak.getPrivate(), 32);
        PluginException e = failsWith(ErrorCode.KEY_TOO_WEAK,
                () -> verifier.verify(weak.getPublic().getEncoded(), DATA, weakSignature));
        assertTrue(e.getMessage().contains("2048 bits"), e.getMessage());
        failsWith(ErrorCode.KEY_TOO_WEAK, () -> verifier.checkKey(weak.getPublic().getEncoded()));
    }

    @Test
    void refusesAnEd25519Key() throws Exception {
        byte[] ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        PluginException e = failsWith(ErrorCode.KEY_INVALID, () -> verifier.checkKey(ed25519));
        assertTrue(e.getMessage().contains("not an RSA key"), e.getMessage());
    }

    @Test
    void refusesBytesThatAreNoKey() {
        failsWith(ErrorCode.KEY_INVALID, () -> verifier.checkKey(new byte[] {0x30, 0x03, 1, 2, 3}));
        failsWith(ErrorCode.KEY_INVALID, () -> verifier.verify(new byte[0], DATA, signature));
    }
}
