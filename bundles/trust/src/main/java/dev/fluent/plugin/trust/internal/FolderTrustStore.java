package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.api.spi.TrustedKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@code etc/} (plus, in development mode only, those of the development keys folder: {@link KeyFolders}), the
 * revocation list is Config Admin's ({@link RevocationList}). Every lookup and a background scan look at the
 * folders, so a file added or removed takes effect without a restart; each change reaches the
 * {@link TrustListener} services. Signatures are checked by the {@link SignatureVerifier} service of their
 * algorithm, bound dynamically ({@link SignatureVerification}); a signature whose verifier is not bound fails
 * at once. This class only wires those to Declarative Services.
 */
@Component(service = TrustStore.class, immediate = true,
        configurationPid = {TrustSettings.POLICY_PID, TrustSettings.PID})
// No @Designate: bnd designates only a component of one configuration PID; TrustConfig names its PID itself.
public final class FolderTrustStore implements TrustStore {

    private static final Logger LOG = LoggerFactory.getLogger(FolderTrustStore.class);

    private final List<TrustListener> listeners = new CopyOnWriteArrayList<>();
    private final RevocationList revocations = new RevocationList();
    private final KeyFolders keys;
    private final SignatureVerification signatures;
    /** The verifiers bound now, shared by the key folders (to read keys of their algorithms) and the signatures. */
    private final Algorithms algorithms = new Algorithms();

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
        keys = new KeyFolders(settings, this::tell, algorithms);
        signatures = new SignatureVerification(keys, algorithms);
        if (settings.developmentMode()) {
            LOG.warn("Development mode: the keys in {} are trusted and unsigned plugins load; turn {} off in"
                    + " etc/{}.cfg for production", settings.developmentKeysDir(), TrustSettings.DEVELOPMENT_MODE,
                    TrustSettings.POLICY_PID);
        }
        if (running) {
            keys.watch(this::keepRevocations);
        }
    }

    // The lifecycle and binding methods are public for the tests of other bundles that wire a real store.

    @Modified
    public void reconfigure(TrustConfig config, PolicyConfig policy) {
        keys.configure(TrustSettings.from(config, policy));
    }

    /**
     * {@link #reconfigure} from a map holding the keys of both PIDs, converted as Declarative Services converts
     * them, for callers outside OSGi. Not the DS modified method: given a method of this name taking a map,
     * DS would call it rather than the typed one.
     */
    public void modified(Map<String, ?> properties) {
        keys.configure(TrustSettings.from(properties));
    }

    @Deactivate
    public void deactivate() {
        keys.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addVerifier(SignatureVerifier verifier) {
        algorithms.bind(verifier);
        // Keys of its algorithm that were ignored so far are trusted from now on.
        keys.reread();
    }

    /**
     * The verifier's algorithm stops being served: new loads of plugins signed with it fail with
     * {@code ALGORITHM_UNAVAILABLE}. Its keys stay listed until their files go, so the operator sees why.
     */
    public void removeVerifier(SignatureVerifier verifier) {
        algorithms.unbind(verifier);
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
        revocations.bind(admin);
    }

    public void unsetConfigurationAdmin(ConfigurationAdmin admin) {
        revocations.unbind(admin);
    }

    @Override
    public TrustedKey verify(PluginManifest manifest, byte[] signedContent) throws PluginException {
        return signatures.verify(manifest, signedContent);
    }

    @Override
    public TrustedKey require(String pluginId, String keyId) throws PluginException {
        return keys.trusted(pluginId, keyId).info(false);
    }

    @Override
    public List<TrustedKey> keys() {
        return keys.keys();
    }

    @Override
    public Set<String> revokedKeyIds() {
        return keys.settings().revoked();
    }

    @Override
    public TrustedKey add(Path publicKeyFile) throws PluginException {
        PublicKeys.Parsed key = KeyFiles.read(publicKeyFile, algorithms);
        signatures.checkKey(key, publicKeyFile);
        return keys.add(key);
    }

    @Override
    public TrustedKey remove(String keyId) throws PluginException {
        return keys.remove(keyId);
    }

    @Override
    public void revoke(String keyId) throws PluginException {
        String id = revocations.save(keyId);
        // Config Admin calls reconfigure() with the saved list soon; applying it now makes the effect immediate.
        keys.revoke(id);
    }

    /** Saves again the revocations in force that the configuration file lost before Config Admin read them. */
    void keepRevocations() {
        revocations.keep(keys.unconfirmed());
    }

    /** Tells every listener about one change, which has taken effect. */
    private void tell(String keyId, TrustListener.Change change) {
        LOG.info("Key {} {}", keyId, change.name().toLowerCase(Locale.ROOT));
        for (TrustListener listener : listeners) {
            try {
                listener.trustChanged(keyId, change);
            } catch (RuntimeException e) {
                LOG.error("Trust listener {} failed on {} {}", listener, keyId, change, e);
            }
        }
    }
}
