package dev.fluent.plugin.trust.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/** Key pairs made by the JDK (not by the code under test), written as PEM files. */
final class TestKeys {

    private TestKeys() {
    }

    static KeyPair ed25519() {
        return generate("Ed25519", 0);
    }

    static KeyPair rsa(int bits) {
        return generate("RSA", bits);
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code <name>.pem} (private, PKCS#8) and {@code <name>.pub.pem} into {@code folder}. */
    static Path writePrivate(KeyPair pair, Path folder, String name) {
        return write(folder.resolve(name + ".pem"), Pem.write(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded()));
    }

    static Path writePublic(KeyPair pair, Path folder, String name) {
        return write(folder.resolve(name + ".pub.pem"), Pem.write(Pem.PUBLIC_KEY, pair.getPublic().getEncoded()));
    }

    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String keyId(KeyPair pair) {
        return PublicKeys.keyId(pair.getPublic().getEncoded());
    }
}
