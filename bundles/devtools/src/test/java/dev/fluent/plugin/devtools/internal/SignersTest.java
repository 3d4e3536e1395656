package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** keygen and sign reach the signer of the algorithm: the platform's, or one another bundle registered. */
class SignersTest {

    /** A signer that records what it was asked, and reads only keys named after its algorithm. */
    private static final class Recording implements PluginSigner {
        final String algorithm;
        final List<String> calls = new ArrayList<>();

        Recording(String algorithm) {
            this.algorithm = algorithm;
        }

        @Override
        public GeneratedKeyPair generateKeyPair(String requested, Path directory) throws PluginException {
            calls.add("keygen " + requested);
            if (!requested.equals(algorithm) && !algorithm.equals("platform")) {
                throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, null, requested);
            }
            return new GeneratedKeyPair("k", requested, directory.resolve("private.pem"), directory.resolve("public.pem"));
        }

        @Override
        public PluginManifest sign(Path privateKeyFile, Path pluginFolder) throws PluginException {
            calls.add("sign " + privateKeyFile.getFileName());
            if (!privateKeyFile.getFileName().toString().startsWith(algorithm)) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, privateKeyFile + " is not a " + algorithm + " key");
            }
            return new PluginManifest("p", "1.0.0", "", "", "t", Set.of(), Permissions.DEFAULTS, "00",
                    algorithm + ":k:AA==", null, null);
        }
    }

    private final Recording platform = new Recording("platform");
    private final Recording p256 = new Recording("ecdsa-p256");
    private final Signers signers = new Signers(platform);

    @Test
    void listsAndRoutesTheAlgorithmsOfInstalledSigners() throws PluginException {
        assertEquals(List.of("ed25519", "rsa"), signers.algorithms());
        signers.add(p256, Map.of(SignatureVerifier.ALGORITHM, "ecdsa-p256"));
        signers.add(new Recording("none"), Map.of()); // no algorithm property: not a signer of its own algorithm

        assertEquals(List.of("ed25519", "rsa", "ecdsa-p256"), signers.algorithms());
        assertEquals("ecdsa-p256", signers.generateKeyPair("ecdsa-p256", Path.of("k")).algorithm());
        assertEquals("ed25519", signers.generateKeyPair(null, Path.of("k")).algorithm());
        assertEquals(List.of("keygen ecdsa-p256"), p256.calls);
        assertEquals(List.of("keygen ed25519"), platform.calls);

        signers.remove(p256);
        PluginException gone = assertThrows(PluginException.class,
                () -> signers.generateKeyPair("ecdsa-p256", Path.of("k")));
        assertEquals(ErrorCode.ALGORITHM_UNKNOWN, gone.code());
        assertTrue(gone.getMessage().contains("keys can be made for ed25519, rsa"), gone.getMessage());
    }

    @Test
    void signsWithTheFirstSignerThatReadsTheKey() throws PluginException {
        signers.add(p256, Map.of(SignatureVerifier.ALGORITHM, "ecdsa-p256"));

        assertEquals("ecdsa-p256:k:AA==", signers.sign(Path.of("ecdsa-p256.pem"), Path.of("p")).signature());
        assertEquals("platform:k:AA==", signers.sign(Path.of("platform.pem"), Path.of("p")).signature());

        PluginException neither = assertThrows(PluginException.class, () -> signers.sign(Path.of("dsa.pem"), Path.of("p")));
        assertEquals(ErrorCode.KEY_INVALID, neither.code());
        assertTrue(neither.getMessage().contains("signers installed: ed25519, rsa, ecdsa-p256"), neither.getMessage());
    }
}
