package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.api.spi.TrustedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TrustStore} service: the trusted keys are the {@code *.pem} files of a folder under
 * {@code etc/} (plus, in development mode only, those of the development keys folder), the revocation
 * list is Config Admin's. Every lookup and a background scan look at the folders, so a file added or
 * removed takes effect without a restart; each change reaches the {@link TrustListener} services.
 * Signatures are checked by the {@link SignatureVerifier} service of their algorithm, bound dynamically; a
 * signature whose verifier is not bound fails at once ({@code ALGORITHM_UNAVAILABLE}). Nothing waits for a
 * verifier: the platform loads plugins at start only once Karaf's boot features, the verifiers among them, are up.
 */
@Component(service = TrustStore.class, immediate = true,
        configurationPid = {TrustSettings.POLICY_PID, TrustSettings.PID})
// No @Designate: bnd designates only a component of one configuration PID; TrustConfig names its PID itself.
public final class FolderTrustStore implements TrustStore {

    private static final Logger LOG = LoggerFactory.getLogger(FolderTrustStore.class);
    private static final long MAX_KEY_FILE_BYTES = 64 * 1024;
    private static final String CONFIG_FILE = "etc/" + TrustSettings.PID + ".cfg";

    private final Map<String, SignatureVerifier> verifiers = new ConcurrentHashMap<>();
    private final List<TrustListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<ConfigurationAdmin> configurationAdmin = new AtomicReference<>();
    private final ScheduledExecutorService scanner;
    private volatile TrustSettings settings;
    /** Guarded by {@code this}. */
    private Snapshot snapshot;

    /** A key file as last seen: a change of size or time means reading the folders again. */
    private record Stamp(long size, FileTime modified, boolean development) {
    }

    private record Key(PublicKeys.Parsed key, Path file, boolean development) {
    }

    /** What the folders held at one moment, and the settings they were read with. */
    private record Snapshot(TrustSettings settings, Map<Path, Stamp> stamps, Map<String, Key> keys,
            Map<String, List<Path>> files) {
    }

    @Activate
    public FolderTrustStore(TrustConfig config, PolicyConfig policy) {
        this(TrustSettings.from(config, policy), true);
    }

    /**
     * A running store configured from a map holding the keys of both PIDs, converted as Declarative Services
     * converts them: for callers outside OSGi that hold their configuration as a map (other bundles' tests,
     * the benchmarks).
     */
    public FolderTrustStore(Map<String, ?> properties) {
        this(TrustSettings.from(properties), true);
    }

    /** @param running {@code true} for the DS component: the folders are also scanned in the background */
    FolderTrustStore(TrustSettings settings, boolean running) {
        this.settings = settings;
        try {
            Files.createDirectories(settings.trustedKeysDir());
        } catch (IOException e) {
            LOG.warn("Cannot create the trusted keys folder {}: {}", settings.trustedKeysDir(), e.toString());
        }
        Map<Path, Stamp> stamps = stamps(settings);
        synchronized (this) {
            snapshot = read(settings, stamps);
        }
        if (settings.developmentMode()) {
            LOG.warn("Development mode: the keys in {} are trusted and unsigned plugins load; turn {} off in"
                    + " etc/{}.cfg for production", settings.developmentKeysDir(), TrustSettings.DEVELOPMENT_MODE,
                    TrustSettings.POLICY_PID);
        }
        if (running) {
            scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "fluent-trust-scan");
                thread.setDaemon(true);
                return thread;
            });
            long interval = settings.scanIntervalSeconds();
            scanner.scheduleWithFixedDelay(this::scan, interval, interval, TimeUnit.SECONDS);
        } else {
            scanner = null;
        }
    }

    // The lifecycle and binding methods are public for the tests of other bundles that wire a real store.

    @Modified
    public void reconfigure(TrustConfig config, PolicyConfig policy) {
        settings = TrustSettings.from(config, policy);
        refresh();
    }

    /**
     * {@link #reconfigure} from a map holding the keys of both PIDs, converted as Declarative Services converts
     * them, for callers outside OSGi. Not the DS modified method: given a method of this name taking a map,
     * DS would call it rather than the typed one.
     */
    public void modified(Map<String, ?> properties) {
        settings = TrustSettings.from(properties);
        refresh();
    }

    @Deactivate
    public void deactivate() {
        if (scanner != null) {
            scanner.shutdownNow();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addVerifier(SignatureVerifier verifier) {
        verifiers.put(verifier.algorithm(), verifier);
    }

    public void removeVerifier(SignatureVerifier verifier) {
        verifiers.remove(verifier.algorithm(), verifier);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(TrustListener listener) {
        listeners.add(listener);
    }

    public void removeListener(TrustListener listener) {
        listeners.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void setConfigurationAdmin(ConfigurationAdmin admin) {
        configurationAdmin.set(admin);
    }

    public void unsetConfigurationAdmin(ConfigurationAdmin admin) {
        configurationAdmin.compareAndSet(admin, null);
    }

    @Override
    public TrustedKey verify(PluginManifest manifest, byte[] signedContent) throws PluginException {
        String id = manifest.name();
        String signature = manifest.signature();
        if (signature == null) {
            throw new PluginException(ErrorCode.SIGNATURE_MISSING, id, "plugin " + id + " is not signed");
        }
        String[] parts = signature.split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw malformed(id, "is not <algorithm>:<key-id>:<base64>");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw malformed(id, "has a base64 part that does not decode (" + e.getMessage() + ")");
        }
        String algorithm = parts[0];
        SignatureVerifier verifier = verifiers.get(algorithm);
        if (verifier == null) {
            if (PublicKeys.ALGORITHMS.contains(algorithm)) {
                throw new PluginException(ErrorCode.ALGORITHM_UNAVAILABLE, id, "plugin " + id + " is signed with "
                        + algorithm + ", but no " + algorithm + " verifier is running: start the bundle"
                        + " dev.fluent.plugin.verifier." + algorithm + " (feature fluent-plugin-verifier-" + algorithm
                        + ")");
            }
            throw new PluginException(ErrorCode.ALGORITHM_UNKNOWN, id, "plugin " + id + " is signed with '"
                    + algorithm + "', an algorithm the platform does not know; it verifies "
                    + String.join(" and ", PublicKeys.ALGORITHMS) + " signatures");
        }
        Key entry = trusted(id, parts[1]);
        TrustedKey key = info(entry, false);
        if (!key.algorithm().equals(algorithm)) {
            throw new PluginException(ErrorCode.SIGNATURE_INVALID, id, "the signature of plugin " + id
                    + " names the algorithm " + algorithm + ", but key " + key.keyId() + " is an " + key.algorithm()
                    + " key: the key did not make this signature");
        }
        boolean valid;
        try {
            valid = verifier.verify(entry.key().encoded(), signedContent, bytes);
        } catch (PluginException e) {
            throw new PluginException(e.code(), id, "plugin " + id + ", key " + key.keyId() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PluginException(ErrorCode.INTERNAL, id, "the " + algorithm + " verifier failed on plugin " + id
                    + ": " + e, e);
        }
        if (!valid) {
            throw new PluginException(ErrorCode.SIGNATURE_INVALID, id, "the signature of plugin " + id + " by key "
                    + key.keyId() + " does not match its manifest: a signed field (capabilities, permissions,"
                    + " expiry, checksum …) was changed after signing, or something else was signed. Get the plugin"
                    + " again from its author, or re-sign it with plugin:sign if you are the author");
        }
        return key;
    }

    private static PluginException malformed(String id, String problem) {
        return new PluginException(ErrorCode.SIGNATURE_MALFORMED, id, "the signature of plugin " + id + " " + problem);
    }

    @Override
    public TrustedKey require(String pluginId, String keyId) throws PluginException {
        return info(trusted(pluginId, keyId), false);
    }

    private Key trusted(String pluginId, String keyId) throws PluginException {
        refresh();
        TrustSettings current = settings;
        String subject = pluginId == null
                ? "key " + keyId + " is"
                : "plugin " + pluginId + " is signed by key " + keyId + ", which is";
        if (current.revoked().contains(keyId)) {
            throw new PluginException(ErrorCode.KEY_REVOKED, pluginId, subject + " revoked ("
                    + TrustSettings.REVOKED_KEYS + " in " + CONFIG_FILE + "): nothing it signed loads. Ask the"
                    + " plugin's author for a version signed with a current key");
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

    @Override
    public List<TrustedKey> keys() {
        refresh();
        Set<String> revoked = settings.revoked();
        List<TrustedKey> keys = new ArrayList<>();
        synchronized (this) {
            for (Key key : snapshot.keys().values()) {
                keys.add(info(key, revoked.contains(key.key().keyId())));
            }
        }
        return keys;
    }

    @Override
    public Set<String> revokedKeyIds() {
        return settings.revoked();
    }

    @Override
    public TrustedKey add(Path publicKeyFile) throws PluginException {
        PublicKeys.Parsed key = readPublicKey(publicKeyFile);
        SignatureVerifier verifier = verifiers.get(key.algorithm());
        if (verifier != null) {
            try {
                verifier.checkKey(key.encoded());
            } catch (PluginException e) {
                throw new PluginException(e.code(), null, publicKeyFile + ": " + e.getMessage(), e);
            }
        }
        refresh();
        Path folder = settings.trustedKeysDir();
        synchronized (this) {
            Key present = snapshot.keys().get(key.keyId());
            if (present != null && !present.development()) {
                return info(present, settings.revoked().contains(key.keyId()));
            }
        }
        Path target = folder.resolve(key.keyId() + ".pem");
        try {
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, "." + key.keyId(), ".tmp");
            Files.writeString(temp, Pem.write(Pem.PUBLIC_KEY, key.encoded()), StandardCharsets.US_ASCII);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "cannot write " + target + ": " + e, e);
        }
        refresh();
        return new TrustedKey(key.keyId(), key.algorithm(), key.description(), target, false,
                settings.revoked().contains(key.keyId()));
    }

    @Override
    public TrustedKey remove(String keyId) throws PluginException {
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
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new PluginException(ErrorCode.INTERNAL, null, "cannot delete " + file + ": " + e, e);
            }
        }
        refresh();
        return info(key, current.revoked().contains(keyId));
    }

    @Override
    public void revoke(String keyId) throws PluginException {
        String id = keyId == null ? "" : keyId.trim().toLowerCase(Locale.ROOT);
        if (!KeyIds.isKeyId(id)) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "'" + keyId + "' is not a key id (" + KeyIds.RULE + ")");
        }
        ConfigurationAdmin admin = configurationAdmin.get();
        if (admin == null) {
            throw new PluginException(ErrorCode.INTERNAL, null, "Config Admin is not running, so the revocation cannot"
                    + " be saved; add " + id + " to " + TrustSettings.REVOKED_KEYS + " in " + CONFIG_FILE + " instead");
        }
        try {
            Configuration configuration = admin.getConfiguration(TrustSettings.PID, null);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            Set<String> ids = new TreeSet<>(TrustSettings.keyIds(properties.get(TrustSettings.REVOKED_KEYS)));
            if (ids.add(id)) {
                properties.put(TrustSettings.REVOKED_KEYS, String.join(",", ids));
                configuration.update(properties);
            }
        } catch (IOException | RuntimeException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "cannot save the revocation of " + id + ": " + e, e);
        }
        // Config Admin calls modified() with the saved list soon; applying it now makes the effect immediate.
        synchronized (this) {
            Set<String> ids = new TreeSet<>(settings.revoked());
            ids.add(id);
            settings = settings.withRevoked(ids);
        }
        refresh();
    }

    /** Looks at the folders; when keys or revocations changed, tells the listeners. */
    void refresh() {
        TrustSettings current = settings;
        Map<Path, Stamp> stamps = stamps(current);
        List<Map.Entry<String, TrustListener.Change>> changes;
        synchronized (this) {
            if (snapshot.settings().equals(current) && snapshot.stamps().equals(stamps)) {
                return;
            }
            Snapshot fresh = read(current, stamps);
            changes = changes(snapshot, fresh);
            snapshot = fresh;
        }
        for (Map.Entry<String, TrustListener.Change> change : changes) {
            LOG.info("Key {} {}", change.getKey(), change.getValue().name().toLowerCase(Locale.ROOT));
            for (TrustListener listener : listeners) {
                try {
                    listener.trustChanged(change.getKey(), change.getValue());
                } catch (RuntimeException e) {
                    LOG.error("Trust listener {} failed on {} {}", listener, change.getKey(), change.getValue(), e);
                }
            }
        }
    }

    private void scan() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.error("Scanning the trusted keys failed", e);
        }
    }

    private static List<Map.Entry<String, TrustListener.Change>> changes(Snapshot before, Snapshot after) {
        List<Map.Entry<String, TrustListener.Change>> changes = new ArrayList<>();
        for (String id : after.keys().keySet()) {
            if (!before.keys().containsKey(id)) {
                changes.add(Map.entry(id, TrustListener.Change.TRUSTED));
            }
        }
        for (String id : before.keys().keySet()) {
            if (!after.keys().containsKey(id)) {
                changes.add(Map.entry(id, TrustListener.Change.UNTRUSTED));
            }
        }
        for (String id : after.settings().revoked()) {
            if (!before.settings().revoked().contains(id)) {
                changes.add(Map.entry(id, TrustListener.Change.REVOKED));
            }
        }
        for (String id : before.settings().revoked()) {
            if (!after.settings().revoked().contains(id)) {
                changes.add(Map.entry(id, TrustListener.Change.REINSTATED));
            }
        }
        return changes;
    }

    private static Map<Path, Stamp> stamps(TrustSettings settings) {
        Map<Path, Stamp> stamps = new TreeMap<>();
        stamp(settings.trustedKeysDir(), false, stamps);
        if (settings.developmentMode()) {
            stamp(settings.developmentKeysDir(), true, stamps);
        }
        return stamps;
    }

    private static void stamp(Path folder, boolean development, Map<Path, Stamp> stamps) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pem")) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        stamps.putIfAbsent(file, new Stamp(attributes.size(), attributes.lastModifiedTime(), development));
                    }
                } catch (NoSuchFileException gone) {
                    // removed while listing: the next look sees it gone
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", folder, e.toString());
        }
    }

    private static Snapshot read(TrustSettings settings, Map<Path, Stamp> stamps) {
        Map<String, Key> keys = new TreeMap<>();
        Map<String, List<Path>> files = new TreeMap<>();
        for (Map.Entry<Path, Stamp> entry : stamps.entrySet()) {
            Path file = entry.getKey();
            boolean development = entry.getValue().development();
            PublicKeys.Parsed key;
            try {
                key = readKeyFile(file);
            } catch (PluginException e) {
                LOG.warn("Ignoring {}: {}", file, e.getMessage());
                continue;
            }
            // A key the operator trusts outright wins over the same key in the development folder.
            keys.merge(key.keyId(), new Key(key, file, development), (a, b) -> a.development() ? b : a);
            files.computeIfAbsent(key.keyId(), k -> new ArrayList<>()).add(file);
        }
        return new Snapshot(settings, Map.copyOf(stamps), keys, files);
    }

    private static Set<String> developmentKeyIds(TrustSettings settings) {
        Map<Path, Stamp> stamps = new TreeMap<>();
        stamp(settings.developmentKeysDir(), true, stamps);
        Set<String> ids = new TreeSet<>();
        for (Path file : stamps.keySet()) {
            try {
                ids.add(readKeyFile(file).keyId());
            } catch (PluginException ignored) {
                // reported when development mode reads the folder
            }
        }
        return ids;
    }

    /** A file of the trusted keys folder: one public key, and never a private one. */
    private static PublicKeys.Parsed readKeyFile(Path file) throws PluginException {
        String text = readText(file);
        if (Pem.labels(text).stream().anyMatch(label -> label.endsWith("PRIVATE KEY"))) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, file + " holds a private key; only public keys belong"
                    + " in the trusted keys folder. Move it somewhere only its owner can read");
        }
        return PublicKeys.parse(Pem.read(text, Pem.PUBLIC_KEY, file.toString()), file.toString());
    }

    private static PublicKeys.Parsed readPublicKey(Path file) throws PluginException {
        String text = readText(file);
        return PublicKeys.parse(Pem.read(text, Pem.PUBLIC_KEY, file.toString()), file.toString());
    }

    private static String readText(Path file) throws PluginException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, "no key file " + file);
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, file + " is too large to be a key file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot read " + file + ": " + e, e);
        }
    }

    private static TrustedKey info(Key key, boolean revoked) {
        return new TrustedKey(key.key().keyId(), key.key().algorithm(), key.key().description(), key.file(),
                key.development(), revoked);
    }
}
