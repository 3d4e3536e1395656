package dev.fluent.plugin.runtime.internal.testing;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import dev.fluent.plugin.trust.internal.FileSigner;
import dev.fluent.plugin.trust.internal.FolderTrustStore;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import dev.fluent.plugin.verifier.rsa.internal.RsaVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real trust store, verifiers and signer, wired to a runtime the way DS wires them: the runtime holds
 * the store, the store tells the runtime (a trust listener) about changes. The development key of
 * {@code examples/keys} is trusted, so the signed example plugins verify.
 */
public final class Signing implements AutoCloseable {

    /** Id of {@code examples/keys/dev-signing-key.pem}. */
    public static final String DEVELOPMENT_KEY_ID = "15c39e68cc27569911bc92aee39f03df";

    public final Path folder;
    public final Path trustedKeys;
    public final Map<String, Object> config = new HashMap<>();
    public final FolderTrustStore trust;
    public final FileSigner signer = new FileSigner(new JsonManifestParser());
    public final Ed25519Verifier ed25519 = new Ed25519Verifier();
    public final RsaVerifier rsa = new RsaVerifier();

    public Signing() {
        try {
            folder = Files.createTempDirectory("fluent-trust");
            trustedKeys = Files.createDirectories(folder.resolve("trusted-keys"));
            Files.copy(developmentPublicKey(), trustedKeys.resolve("development.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("trusted.keys.dir", trustedKeys.toString());
        config.put("development.keys.dir", folder.resolve("development-keys").toString());
        // No background scan during a test: lookups notice changes, on the test's own thread.
        config.put("scan.interval.seconds", "3600");
        trust = new FolderTrustStore(config);
        trust.addVerifier(ed25519);
        trust.addVerifier(rsa);
    }

    private static Signing shared;

    /**
     * One trust store for every test that only needs the examples to verify: it trusts the development
     * key and never changes. Its folder goes when the JVM exits.
     */
    public static synchronized FolderTrustStore developmentTrust() {
        if (shared == null) {
            shared = new Signing();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared.trust;
    }

    public static Path developmentKey() {
        return Fixtures.examples().resolve("keys/dev-signing-key.pem");
    }

    public static Path developmentPublicKey() {
        return Fixtures.examples().resolve("keys/dev-signing-key.pub.pem");
    }

    public void attach(PluginRuntime runtime) {
        runtime.setTrustStore(trust);
        trust.addListener(runtime);
    }

    /** Signs a plugin folder with the development key. */
    public PluginManifest sign(Path plugin) throws PluginException {
        return signer.sign(developmentKey(), plugin);
    }

    /** Puts key ids on the revocation list, as Config Admin does after {@code plugin:trust revoke}. */
    public void revoke(String... keyIds) {
        config.put("revoked.keys", String.join(",", keyIds));
        trust.modified(config);
    }

    @Override
    public void close() {
        trust.deactivate();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
