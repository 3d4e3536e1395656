package dev.fluent.plugin.trust.signing;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code keygen} and {@code sign} over a {@link PluginSigner}: each call does the work and hands the lines
 * it reports, one at a time, to {@code console}; a failure is the signer's {@link PluginException}, which a
 * front end shows as its one line ({@code CODE: message}).
 */
public final class SigningCommands {

    private final PluginSigner signer;

    public SigningCommands(PluginSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    /**
     * Makes a key pair in {@code directory}: {@value PluginSigner#PRIVATE_KEY_FILE} (owner-only) and
     * {@value PluginSigner#PUBLIC_KEY_FILE}.
     *
     * @param algorithm {@value PluginSigner#ED25519} or {@value PluginSigner#RSA}; {@code null} for the first
     */
    public void keygen(String algorithm, Path directory, Consumer<String> console) throws PluginException {
        GeneratedKeyPair pair = signer.generateKeyPair(algorithm == null ? PluginSigner.ED25519 : algorithm,
                directory);
        console.accept("Generated " + pair.algorithm() + " key " + pair.keyId());
        console.accept("  private key: " + pair.privateKeyFile() + " (keep it secret)");
        console.accept("  public key:  " + pair.publicKeyFile() + " (trust it with plugin:trust add "
                + pair.publicKeyFile() + ")");
    }

    /**
     * Signs each folder in turn, one line for each; stops at the first that fails, the ones before it signed.
     */
    public void sign(Path privateKeyFile, List<Path> folders, Consumer<String> console) throws PluginException {
        for (Path folder : folders) {
            PluginManifest manifest = signer.sign(privateKeyFile, folder);
            String signature = manifest.signature();
            console.accept("Signed " + manifest.name() + " " + manifest.version() + " with "
                    + signature.substring(0, signature.indexOf(':')) + " key " + manifest.signatureKeyId()
                    + " (checksum " + manifest.checksum() + ")");
        }
    }
}
