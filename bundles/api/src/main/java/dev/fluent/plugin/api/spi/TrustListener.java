package dev.fluent.plugin.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears about changes of trust (whiteboard: register it as a service). The runtime is one: it audits the
 * change and unloads the plugins whose key is no longer trusted.
 */
@ConsumerType
public interface TrustListener {

    /** What happened to a key. */
    enum Change {
        /** The key became trusted (a file was added, or development mode made a development key count). */
        TRUSTED,
        /** The key is no longer trusted (its file was removed, or development mode was turned off). */
        UNTRUSTED,
        /** The key was put on the revocation list. */
        REVOKED,
        /** The key was taken off the revocation list. */
        REINSTATED
    }

    /**
     * Called once per key that changed, after the change took effect, on the trust store's thread. Must
     * return quickly and never throw.
     */
    void trustChanged(String keyId, Change change);
}
