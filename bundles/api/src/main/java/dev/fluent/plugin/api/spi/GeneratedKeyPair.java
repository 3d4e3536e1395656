package dev.fluent.plugin.api.spi;

import java.nio.file.Path;

/**
 * The files of a key pair {@link PluginSigner#generateKeyPair} wrote.
 *
 * @param keyId the key's id, as signatures name it
 * @param algorithm {@code ed25519} or {@code rsa}
 * @param privateKeyFile PKCS#8 PEM, readable by its owner only
 * @param publicKeyFile {@code SubjectPublicKeyInfo} PEM, what an operator trusts
 */
public record GeneratedKeyPair(String keyId, String algorithm, Path privateKeyFile, Path publicKeyFile) {
}
