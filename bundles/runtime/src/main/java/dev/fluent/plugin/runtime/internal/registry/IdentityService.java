package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentities;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.PluginStateHolder;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.runtime.internal.identity.IdentityRecords;
import dev.fluent.plugin.runtime.internal.load.PluginFiles;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's decisions about plugin identities ({@code plugin:owner}, {@code plugin:rollback}, and the
 * owners declared as {@code owner.<plugin-id>} in {@value OperatorPolicy#PID}): each is audited, and when an
 * id changes owner, everything kept for it is cleared before the new owner's code can run.
 */
@Component(service = PluginIdentities.class, configurationPid = OperatorPolicy.PID)
public final class IdentityService implements PluginIdentities {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);

    private final PluginRuntime runtime;
    private final ManifestParser parser;
    private final Clock clock = Clock.systemUTC();
    private final List<CapabilityProvider> providers = new CopyOnWriteArrayList<>();
    private volatile TrustStore trustStore;
    /** Where data folders are: the built-in policy's layout ({@code plugin_data_dir}). */
    private volatile OperatorPolicy layout;

    @Activate
    public IdentityService(@Reference PluginRuntime runtime, @Reference ManifestParser parser,
            Map<String, Object> properties) {
        this.runtime = runtime;
        this.parser = parser;
        modified(properties);
    }

    /** The declared owners changed: an id whose owner is different now starts afresh. */
    @Modified
    void modified(Map<String, Object> properties) {
        layout = new OperatorPolicy(properties);
        IdentityRecords records = runtime.loads().identities();
        Set<String> changed = records.declare(IdentityRecords.declarations(properties));
        runtime.revalidate(); // loaded versions the declared owner did not sign stop before anything is cleared
        for (String id : changed) {
            String owner = records.identity(id).map(PluginIdentity::owner).orElse("");
            runtime.loads().ownerChanged(id, "declared", "", owner, clear(id));
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCapabilityProvider(CapabilityProvider provider) {
        providers.add(provider);
    }

    void removeCapabilityProvider(CapabilityProvider provider) {
        providers.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setTrustStore(TrustStore store) {
        trustStore = store;
    }

    void unsetTrustStore(TrustStore store) {
        if (trustStore == store) {
            trustStore = null;
        }
    }

    @Override
    public List<PluginIdentity> identities() {
        return runtime.loads().identities().all();
    }

    @Override
    public Optional<PluginIdentity> identity(String pluginId) {
        return runtime.loads().identities().identity(pluginId);
    }

    @Override
    public synchronized PluginIdentity transfer(String pluginId, String newOwner) throws PluginException {
        IdentityRecords records = runtime.loads().identities();
        PluginIdentity current = records.identity(pluginId).orElse(null);
        if (current != null && current.declared()) {
            throw new PluginException(ErrorCode.POLICY_REFUSED, pluginId, "the owner of " + pluginId + " is declared"
                    + " in the policy (" + IdentityRecords.OWNER_PREFIX + pluginId + " = " + current.owner()
                    + " in etc/" + OperatorPolicy.PID + ".cfg): change it there");
        }
        if (!PluginIdentity.UNSIGNED.equals(newOwner)) {
            TrustStore store = trustStore;
            if (store == null) {
                throw new PluginException(ErrorCode.KEY_UNTRUSTED, pluginId, "no trust store is running to check"
                        + " key " + newOwner + ": start the bundle dev.fluent.plugin.trust");
            }
            store.require(pluginId, newOwner);
        }
        if (current != null && current.owner().equals(newOwner)) {
            return current;
        }
        PluginIdentity next = records.transfer(pluginId, newOwner);
        runtime.revalidate(); // a loaded version the new owner did not sign stops before anything is cleared
        runtime.loads().ownerChanged(pluginId, "transferred", current == null ? "" : current.owner(), newOwner,
                clear(pluginId));
        return next;
    }

    @Override
    public synchronized void release(String pluginId) throws PluginException {
        if (runtime.find(pluginId).isPresent()) {
            throw new PluginException(ErrorCode.ALREADY_LOADED, pluginId, "plugin " + pluginId + " is loaded:"
                    + " unload it first (plugin:unload " + pluginId + "), then release its id");
        }
        IdentityRecords records = runtime.loads().identities();
        PluginIdentity current = records.identity(pluginId).orElse(null);
        if (current == null || !records.release(pluginId)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, pluginId, "no plugin " + pluginId + " was ever"
                    + " accepted here (plugin:owner lists the ids that were)");
        }
        runtime.loads().ownerChanged(pluginId, "released", current.owner(), "", clear(pluginId));
    }

    @Override
    public synchronized PluginInfo rollback(String pluginId, Path folder) throws PluginException {
        Path source = folder.toAbsolutePath().normalize();
        PluginManifest manifest = parser.parse(PluginFiles.manifest(source));
        IdentityRecords records = runtime.loads().identities();
        String newest = records.identity(pluginId).map(PluginIdentity::version).orElse(null);
        if (!manifest.name().equals(pluginId)) {
            throw new PluginException(ErrorCode.MANIFEST_INVALID, pluginId, "the folder holds plugin "
                    + manifest.name() + ", not " + pluginId);
        }
        if (newest == null) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, pluginId, "no version of " + pluginId
                    + " was accepted here, so there is nothing to roll back from: plugin:load " + source);
        }
        records.allowRollback(pluginId, manifest.version());
        try {
            PluginInfo info = runtime.find(pluginId).isPresent() ? runtime.reload(pluginId, source)
                    : runtime.load(source);
            runtime.loads().rollback(pluginId, source, newest, manifest.version(), null);
            return info;
        } catch (PluginException e) {
            runtime.loads().rollback(pluginId, source, newest, manifest.version(), e);
            throw e;
        } finally {
            records.withdrawRollback(pluginId);
        }
    }

    /**
     * Clears what is kept for {@code id}: the state capability providers hold, and its data folder, moved
     * aside (never deleted: the operator decides what to do with the old owner's files).
     *
     * @return where the data folder went, or {@code null} when it had none
     */
    private String clear(String id) {
        for (CapabilityProvider provider : providers) {
            if (provider instanceof PluginStateHolder holder) {
                try {
                    holder.forget(id);
                } catch (RuntimeException e) {
                    LOG.error("Provider {} could not clear what it keeps for plugin {}", provider.capabilityName(), id, e);
                }
            }
        }
        Path data = layout.dataFolder(id);
        if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path aside = data.resolveSibling(id + ".previous-owner." + clock.instant().getEpochSecond());
        try {
            Files.move(data, aside);
            return aside.toString();
        } catch (IOException e) {
            LOG.error("Could not move the data folder of plugin {} aside to {}: the next owner's code would see it;"
                    + " move or delete it by hand", id, aside, e);
            return "FAILED: " + e;
        }
    }
}
