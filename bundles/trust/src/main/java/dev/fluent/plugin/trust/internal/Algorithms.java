package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signature algorithms served now: one {@link SignatureVerifier} service per algorithm, bound and unbound
 * as their bundles come and go. Keys of the two algorithms the trust bundle reads itself (Ed25519, RSA) are
 * recognised by their parameters; a key of any other algorithm is recognised by the verifier that accepts it,
 * so that a verifier bundle for a new algorithm needs no change here.
 */
final class Algorithms {

    /** A key some verifier accepts: its algorithm and the verifier's description of it. */
    record Recognised(String algorithm, String description) {
    }

    private final Map<String, SignatureVerifier> verifiers = new ConcurrentHashMap<>();
    /** Every algorithm a verifier served since the trust store started: one of them gone is unavailable. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    void bind(SignatureVerifier verifier) {
        verifiers.put(verifier.algorithm(), verifier);
        seen.add(verifier.algorithm());
    }

    /** Whether a verifier of {@code algorithm} ran since the trust store started (it may have stopped since). */
    boolean seen(String algorithm) {
        return seen.contains(algorithm);
    }

    void unbind(SignatureVerifier verifier) {
        verifiers.remove(verifier.algorithm(), verifier);
    }

    /** The verifier of {@code algorithm} bound now, or {@code null}. */
    SignatureVerifier verifier(String algorithm) {
        return verifiers.get(algorithm);
    }

    /** The algorithms of the verifiers bound now, sorted. */
    Set<String> served() {
        return new TreeSet<>(verifiers.keySet());
    }

    /** The algorithms served now, for messages: {@code ed25519, rsa} at least, as the platform ships. */
    String list() {
        Set<String> all = served();
        all.add(PluginSigner.ED25519);
        all.add(PluginSigner.RSA);
        return String.join(", ", all);
    }

    /**
     * The verifier, among those of algorithms the trust bundle does not read itself, that accepts a key.
     *
     * @param subjectPublicKeyInfo the key, DER
     * @return what it is, or {@code null} when no verifier bound now accepts it
     * @throws PluginException {@link ErrorCode#KEY_TOO_WEAK} when the verifier of its algorithm finds it too weak
     */
    Recognised recognise(byte[] subjectPublicKeyInfo) throws PluginException {
        for (SignatureVerifier verifier : verifiers.values()) {
            String algorithm = verifier.algorithm();
            if (algorithm.equals(PluginSigner.ED25519) || algorithm.equals(PluginSigner.RSA)) {
                continue;
            }
            try {
                return new Recognised(algorithm, verifier.checkKey(subjectPublicKeyInfo.clone()));
            } catch (PluginException e) {
                if (e.code() == ErrorCode.KEY_TOO_WEAK) {
                    throw e;
                }
            } catch (RuntimeException e) {
                // A verifier that cannot read the key does not serve it; another may.
            }
        }
        return null;
    }
}
