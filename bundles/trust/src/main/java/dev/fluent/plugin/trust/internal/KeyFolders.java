package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the trust store trusts: the {@code *.pem} files of the trusted keys folder and, in development mode
 * only, of the development keys folder, read with the settings in force (which also hold the revocation list).
 * Every lookup and a background scan look at the folders; a file added, changed or removed, or new settings,
 * mean reading them again, and each key that became trusted, untrusted, revoked or reinstated is told to the
 * listener once the change took effect, and once only. The listener is told outside the lock (it may look the
 * keys up again), so changes found by two threads at nearly the same moment may reach it in either order; it
 * should act on the state it then finds, which is the newest.
 */
final class KeyFolders {

    private static final Logger LOG = LoggerFactory.getLogger(KeyFolders.class);

    private final TrustListener listener;
    /** The verifiers bound now: they recognise keys of algorithms other than Ed25519 and RSA. */
    private final Algorithms algorithms;
    private volatile TrustSettings settings;
    /** Guarded by {@code this}. */
    private KeySnapshot snapshot;
    /**
     * Ids revoked through {@link #revoke} that no configuration has held yet (the saved list reaches Config Admin
     * a moment later): they stay revoked through the configurations that arrive meanwhile. Guarded by
     * {@code this}.
     */
    private final Set<String> unconfirmed = new TreeSet<>();
    private volatile ScheduledExecutorService scanner;

    /** A trusted key and the file it was read from. */
    record Key(PublicKeys.Parsed key, Path file, boolean development) {

        TrustedKey info(boolean revoked) {
            return new TrustedKey(key.keyId(), key.algorithm(), key.description(), file, development, revoked);
        }
    }

    /** Creates the trusted keys folder if it is missing, and reads the folders. */
    KeyFolders(TrustSettings settings, TrustListener listener, Algorithms algorithms) {
        this.settings = settings;
        this.listener = listener;
        this.algorithms = algorithms;
        try {
            Files.createDirectories(settings.trustedKeysDir());
        } catch (IOException e) {
            LOG.warn("Cannot create the trusted keys folder {}: {}", settings.trustedKeysDir(), e.toString());
        }
        Map<Path, KeySnapshot.Stamp> stamps = KeySnapshot.stamps(settings);
        synchronized (this) {
            snapshot = KeySnapshot.read(settings, stamps, algorithms, null);
        }
    }

    TrustSettings settings() {
        return settings;
    }

    /**
     * Looks at the folders every {@link TrustSettings#scanIntervalSeconds()} on a thread of its own, and runs
     * {@code alsoEachScan} after each look; call once.
     */
    void watch(Runnable alsoEachScan) {
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fluent-trust-scan");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.scanIntervalSeconds();
        scanner.scheduleWithFixedDelay(() -> {
            try {
                refresh();
                alsoEachScan.run();
            } catch (RuntimeException e) {
                // Caught, or the executor would run the scan never again.
                LOG.error("Scanning the trusted keys failed", e);
            }
        }, interval, interval, TimeUnit.SECONDS);
    }

    /** The ids revoked through {@link #revoke} that no configuration has held yet. */
    synchronized Set<String> unconfirmed() {
        return Set.copyOf(unconfirmed);
    }

    /** Stops the background scan. */
    void close() {
        ScheduledExecutorService running = scanner;
        if (running != null) {
            running.shutdownNow();
        }
    }

    /**
     * New settings (a configuration change): read again with them, and the changes told. An id revoked through
     * {@link #revoke} stays revoked until a configuration holds it; from then on the configuration decides.
     */
    void configure(TrustSettings next) {
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            unconfirmed.removeAll(next.revoked());
            if (unconfirmed.isEmpty()) {
                settings = next;
            } else {
                Set<String> ids = new TreeSet<>(next.revoked());
                ids.addAll(unconfirmed);
                settings = next.withRevoked(ids);
            }
            changes = look(false);
        }
        tell(changes);
    }

    /** Puts a key id on the revocation list in force now, ahead of the configuration that will say so too. */
    void revoke(String keyId) {
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            Set<String> ids = new TreeSet<>(settings.revoked());
            if (ids.add(keyId)) {
                unconfirmed.add(keyId);
                settings = settings.withRevoked(ids);
            }
            changes = look(false);
        }
        tell(changes);
    }

    /**
     * The key with this id, if it is trusted and not revoked.
     *
     * @param pluginId the plugin it signed, for the message, or {@code null}
     * @throws PluginException {@code KEY_REVOKED} or {@code KEY_UNTRUSTED}, saying what to do
     */
    Key trusted(String pluginId, String keyId) throws PluginException {
        refresh();
        TrustSettings current = settings;
        String subject = pluginId == null
                ? "key " + keyId + " is"
                : "plugin " + pluginId + " is signed by key " + keyId + ", which is";
        if (current.revoked().contains(keyId)) {
            throw RevocationList.refusal(pluginId, subject);
        }
        Key key;
        synchronized (this) {
            key = snapshot.keys().get(keyId);
        }
        if (key != null) {
            return key;
        }
        if (!current.developmentMode() && developmentKeyIds(current).contains(keyId)) {
            throw new PluginException(ErrorCode.KEY_UNTRUSTED, pluginId, subject + " a development key (in "
                    + current.developmentKeysDir() + "), trusted only in development mode ("
                    + TrustSettings.DEVELOPMENT_MODE + "=true in etc/" + TrustSettings.POLICY_PID + ".cfg)");
        }
        throw new PluginException(ErrorCode.KEY_UNTRUSTED, pluginId, subject + " not trusted: no PEM file in "
                + current.trustedKeysDir() + " holds it. If you trust the plugin's author, add their public key"
                + " with plugin:trust add <public.pem>");
    }

    /** Every trusted key, revoked ones included (marked so). */
    List<TrustedKey> keys() {
        refresh();
        Set<String> revoked = settings.revoked();
        List<TrustedKey> keys = new ArrayList<>();
        synchronized (this) {
            for (Key key : snapshot.keys().values()) {
                keys.add(key.info(revoked.contains(key.key().keyId())));
            }
        }
        return keys;
    }

    /** Writes the key into the trusted keys folder as {@code <key-id>.pem}, unless that folder holds it already. */
    TrustedKey add(PublicKeys.Parsed key) throws PluginException {
        refresh();
        Path folder = settings.trustedKeysDir();
        synchronized (this) {
            Key present = snapshot.keys().get(key.keyId());
            if (present != null && !present.development()) {
                return present.info(settings.revoked().contains(key.keyId()));
            }
        }
        Path target = folder.resolve(key.keyId() + ".pem");
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            try {
                Files.createDirectories(folder);
                Path temp = Files.createTempFile(folder, "." + key.keyId(), ".tmp");
                Files.writeString(temp, Pem.write(Pem.PUBLIC_KEY, key.encoded()), StandardCharsets.US_ASCII);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new PluginException(ErrorCode.INTERNAL, null, "cannot write " + target + ": " + e, e);
            }
            changes = look(false);
        }
        tell(changes);
        return new TrustedKey(key.keyId(), key.algorithm(), key.description(), target, false,
                settings.revoked().contains(key.keyId()));
    }

    /** Deletes every file of the trusted keys folder that holds the key. */
    TrustedKey remove(String keyId) throws PluginException {
        refresh();
        TrustSettings current = settings;
        Key key;
        List<Path> files = new ArrayList<>();
        synchronized (this) {
            key = snapshot.keys().get(keyId);
            for (Path file : snapshot.files().getOrDefault(keyId, List.of())) {
                if (file.startsWith(current.trustedKeysDir())) {
                    files.add(file);
                }
            }
        }
        if (files.isEmpty()) {
            String why = key != null && key.development()
                    ? " is a development key, trusted because development mode is on; turn it off to stop trusting it"
                    : " is not among the trusted keys (plugin:trust list shows them)";
            throw new PluginException(ErrorCode.KEY_UNTRUSTED, null, "key " + keyId + why);
        }
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new PluginException(ErrorCode.INTERNAL, null, "cannot delete " + file + ": " + e, e);
                }
            }
            changes = look(false);
        }
        tell(changes);
        return key.info(current.revoked().contains(keyId));
    }

    /** Looks at the folders; when keys or revocations changed, tells the listener. */
    void refresh() {
        refresh(false);
    }

    /**
     * Reads the folders again even when no file changed: a verifier of a new algorithm started, and keys of
     * its algorithm that were ignored until now are trusted from now on.
     */
    void reread() {
        refresh(true);
    }

    private void refresh(boolean always) {
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            changes = look(always);
        }
        tell(changes);
    }

    /**
     * Looks at the folders with the settings in force and takes the new snapshot; the caller holds the lock.
     * Under it, a look begun before another thread's cannot finish after it and put back an older snapshot
     * (telling keys untrusted that never were); and a thread that changes the settings or a file and looks in
     * the same hold is the one that tells the change, so it has reached the listener when the call returns.
     *
     * @return the changes to tell, once the lock is released
     */
    private List<Map.Entry<String, TrustListener.Change>> look(boolean always) {
        TrustSettings current = settings;
        Map<Path, KeySnapshot.Stamp> stamps = KeySnapshot.stamps(current);
        if (!always && snapshot.settings().equals(current) && snapshot.stamps().equals(stamps)) {
            return List.of();
        }
        KeySnapshot fresh = KeySnapshot.read(current, stamps, algorithms, snapshot);
        List<Map.Entry<String, TrustListener.Change>> changes = snapshot.changesTo(fresh);
        snapshot = fresh;
        return changes;
    }

    private void tell(List<Map.Entry<String, TrustListener.Change>> changes) {
        for (Map.Entry<String, TrustListener.Change> change : changes) {
            listener.trustChanged(change.getKey(), change.getValue());
        }
    }


    private Set<String> developmentKeyIds(TrustSettings settings) {
        Map<Path, KeySnapshot.Stamp> stamps = new TreeMap<>();
        KeySnapshot.stamp(settings.developmentKeysDir(), true, stamps);
        Set<String> ids = new TreeSet<>();
        for (Path file : stamps.keySet()) {
            try {
                ids.add(KeyFiles.readTrusted(file, algorithms).keyId());
            } catch (PluginException ignored) {
                // reported when development mode reads the folder
            }
        }
        return ids;
    }
}
