package dev.fluent.plugin.runtime.internal.load;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signature step of the load path (design §5: after the checksum, before the module is parsed) and the
 * question a loaded plugin must keep answering: may it still run? The cryptography lives in the
 * {@link TrustStore} service and the verifiers behind it; this class holds only the policy: signatures
 * are required unless {@value #DEVELOPMENT_MODE} is on in {@value OperatorPolicy#PID}, and a signed plugin is always
 * verified, development mode or not.
 */
public final class TrustGate implements AutoCloseable {

    /** {@code true}: unsigned plugins load (and the development keys are trusted). Off by default. */
    public static final String DEVELOPMENT_MODE = "development.mode";
    /** How often loaded plugins are checked for expiry while they run. */
    public static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TrustGate.class);

    private final ManifestParser parser;
    private final AtomicReference<TrustStore> trustStore = new AtomicReference<>();
    private volatile boolean developmentMode;
    private ScheduledExecutorService sweeper;

    public TrustGate(ManifestParser parser) {
        this.parser = parser;
    }

    public static boolean developmentMode(Map<String, ?> configuration) {
        return configuration != null
                && Boolean.parseBoolean(String.valueOf(configuration.get(DEVELOPMENT_MODE)).trim());
    }

    public void setDevelopmentMode(boolean on) {
        developmentMode = on;
    }

    public void bind(TrustStore store) {
        trustStore.set(store);
    }

    public void unbind(TrustStore store) {
        trustStore.compareAndSet(store, null);
    }

    /**
     * The signature step: a signed manifest must verify against a trusted key; an unsigned one loads only
     * in development mode.
     *
     * @param manifestJson the very bytes {@code manifest} was parsed from
     */
    public void check(PluginManifest manifest, byte[] manifestJson) throws PluginException {
        String id = manifest.name();
        if (manifest.signature() == null) {
            if (developmentMode) {
                return;
            }
            throw new PluginException(ErrorCode.SIGNATURE_MISSING, id, "plugin " + id + " is not signed, and this"
                    + " platform loads signed plugins only: ask its author for a signed version, or sign it with a"
                    + " key you trust (plugin:sign --key <private.pem> <folder>). For development only, "
                    + DEVELOPMENT_MODE + "=true in etc/" + OperatorPolicy.PID + ".cfg lets unsigned plugins load");
        }
        TrustStore store = trustStore.get();
        if (store == null) {
            throw new PluginException(ErrorCode.KEY_UNTRUSTED, id, "plugin " + id + " is signed, but no trust store"
                    + " is running to check the signature: start the bundle dev.fluent.plugin.trust");
        }
        store.verify(manifest, parser.signedContent(manifestJson));
    }

    /**
     * Why a loaded plugin may no longer run: its key was revoked or is no longer trusted, or it is
     * unsigned and development mode is off now. {@code null} when it may. Without a trust store nothing
     * is withdrawn: what was verified stays verified.
     */
    public PluginException withdrawn(PluginManifest manifest) {
        String id = manifest.name();
        if (manifest.signature() == null) {
            return developmentMode ? null : new PluginException(ErrorCode.SIGNATURE_MISSING, id, "plugin " + id
                    + " was loaded unsigned in development mode, which is off now");
        }
        TrustStore store = trustStore.get();
        if (store == null) {
            return null;
        }
        try {
            store.require(id, manifest.signatureKeyId());
            return null;
        } catch (PluginException e) {
            return e;
        }
    }

    /** Runs {@code sweep} every {@link #SWEEP_INTERVAL} on a daemon thread until {@link #close}. */
    public synchronized void startSweep(Runnable sweep) {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fluent-plugin-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long millis = SWEEP_INTERVAL.toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.error("Checking the loaded plugins failed", e); // and the next sweep tries again
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
