package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signers installed, as one: the platform's own (Ed25519 and RSA) and those other bundles register beside
 * their verifiers, each with the {@code signature.algorithm} property of its algorithm. {@code keygen} goes to
 * the signer of the algorithm asked for; {@code sign} to the platform's, then, for a key it does not read, to
 * each other signer in turn, so {@code plugin:sign} needs no algorithm.
 */
final class Signers implements PluginSigner {

    private final PluginSigner platform;
    private final Map<String, PluginSigner> others = new ConcurrentHashMap<>();

    Signers(PluginSigner platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** A signer service started; one without an algorithm property, or the platform's own, adds nothing. */
    void add(PluginSigner signer, Map<String, Object> properties) {
        Object algorithm = properties.get(SignatureVerifier.ALGORITHM);
        if (signer != platform && algorithm instanceof String name && !builtIn(name)) {
            others.put(name, signer);
        }
    }

    void remove(PluginSigner signer) {
        others.values().removeIf(s -> s == signer);
    }

    private static boolean builtIn(String algorithm) {
        return ED25519.equals(algorithm) || RSA.equals(algorithm);
    }

    /** Every algorithm keys can be made for now: the platform's, then the others sorted. */
    List<String> algorithms() {
        List<String> all = new ArrayList<>(List.of(ED25519, RSA));
        all.addAll(new TreeMap<>(others).keySet());
        return all;
    }

    @Override
    public GeneratedKeyPair generateKeyPair(String algorithm, Path directory) throws PluginException {
        if (algorithm == null || builtIn(algorithm)) {
            return platform.generateKeyPair(algorithm == null ? ED25519 : algorithm, directory);
        }
        PluginSigner signer = others.get(algorithm);
        if (signer == null) {
            throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, null, "no signer of '" + algorithm
                    + "' is installed; keys can be made for " + String.join(", ", algorithms())
                    + " (a bundle that registers a PluginSigner with signature.algorithm=" + algorithm + " adds it)");
        }
        return signer.generateKeyPair(algorithm, directory);
    }

    @Override
    public PluginManifest sign(Path privateKeyFile, Path pluginFolder) throws PluginException {
        try {
            return platform.sign(privateKeyFile, pluginFolder);
        } catch (PluginException notOurs) {
            if (notOurs.code() != ErrorCode.KEY_INVALID || others.isEmpty()) {
                throw notOurs;
            }
            for (PluginSigner signer : others.values()) {
                try {
                    return signer.sign(privateKeyFile, pluginFolder);
                } catch (PluginException e) {
                    if (e.code() != ErrorCode.KEY_INVALID) {
                        throw e;
                    }
                }
            }
            throw new PluginException(ErrorCode.KEY_INVALID, null, notOurs.getMessage() + "; no installed signer"
                    + " reads it either (signers installed: " + String.join(", ", algorithms()) + ")");
        }
    }
}
