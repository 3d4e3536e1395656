package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Makes signing keys and signs plugin folders: what {@code plugin:keygen} and {@code plugin:sign} call. */
@ProviderType
public interface PluginSigner {

    String ED25519 = "ed25519";
    String RSA = "rsa";

    /** File name of the private key {@link #generateKeyPair} writes. */
    String PRIVATE_KEY_FILE = "private.pem";
    /** File name of the public key {@link #generateKeyPair} writes. */
    String PUBLIC_KEY_FILE = "public.pem";

    /**
     * Generates a key pair ({@code ed25519}, or {@code rsa} with 3072 bits) into {@code directory} as
     * {@value #PRIVATE_KEY_FILE} (PKCS#8 PEM, owner-only permissions) and {@value #PUBLIC_KEY_FILE}. Never
     * overwrites a file.
     *
     * @throws PluginException {@link ErrorCode#ALGORITHM_UNKNOWN} for another algorithm,
     *         {@link ErrorCode#KEY_INVALID} when the files exist already or cannot be written
     */
    GeneratedKeyPair generateKeyPair(String algorithm, Path directory) throws PluginException;

    /**
     * Signs a plugin folder: sets the manifest's {@code checksum} to the SHA-256 of {@code plugin.wasm},
     * signs the canonical manifest without its signature, and writes {@code manifest.json} back with the
     * new {@code signature}.
     *
     * @param privateKeyFile a PKCS#8 PEM private key ({@code ed25519} or {@code rsa})
     * @return the manifest as written
     * @throws PluginException {@link ErrorCode#KEY_INVALID}, {@link ErrorCode#KEY_TOO_WEAK}, or the
     *         errors of reading the folder ({@link ErrorCode#MANIFEST_INVALID} …)
     */
    PluginManifest sign(Path privateKeyFile, Path pluginFolder) throws PluginException;
}
