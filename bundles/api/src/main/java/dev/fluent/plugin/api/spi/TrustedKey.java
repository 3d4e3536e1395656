package dev.fluent.plugin.api.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A public key the trust store holds.
 *
 * @param keyId the key's id: the first 16 bytes of the SHA-256 of its {@code SubjectPublicKeyInfo}
 *        (DER), as 32 lowercase hex digits; signatures name their key by it
 * @param algorithm the signature algorithm the key is for: {@code ed25519}, {@code rsa}
 * @param description what the key is, for operators: {@code Ed25519}, {@code RSA 3072-bit}
 * @param file the PEM file it was read from
 * @param development whether it is a development key, trusted only while development mode is on
 * @param revoked whether its id is on the revocation list; a revoked key verifies nothing
 */
public record TrustedKey(String keyId, String algorithm, String description, Path file, boolean development,
        boolean revoked) {

    public TrustedKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(file, "file");
    }
}
