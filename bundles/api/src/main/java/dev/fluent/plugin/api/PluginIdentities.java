package dev.fluent.plugin.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The owners of plugin ids and the versions accepted for them (see {@link PluginIdentity}), and the two
 * operator decisions that override them. Every change is audited ({@link AuditActions#OWNER},
 * {@link AuditActions#ROLLBACK}).
 *
 * @since 1.2
 */
@ProviderType
public interface PluginIdentities {

    /** Every id this platform has accepted or the operator has declared, sorted by id. */
    List<PluginIdentity> identities();

    Optional<PluginIdentity> identity(String pluginId);

    /**
     * Gives {@code pluginId} to another owner. What the platform keeps for the plugin (its cache entries,
     * its data folder, its metrics and log allowances: everything a capability provider holds for it) is
     * cleared, so the new owner's code never sees the old owner's data; the data folder is moved aside, not
     * deleted. A loaded version not signed by the new owner is unloaded.
     *
     * @param newOwner a trusted key id, or {@link PluginIdentity#UNSIGNED}
     * @throws PluginException {@link ErrorCode#KEY_UNTRUSTED} for an owner that is neither
     */
    PluginIdentity transfer(String pluginId, String newOwner) throws PluginException;

    /**
     * Forgets the record of an id that is not loaded: its next accepted load binds it anew. The plugin's
     * state is cleared as by {@link #transfer}.
     *
     * @throws PluginException {@link ErrorCode#PLUGIN_NOT_FOUND} when no record exists,
     *         {@link ErrorCode#ALREADY_LOADED} when the plugin is loaded (unload it first)
     */
    void release(String pluginId) throws PluginException;

    /**
     * Loads (or reloads, when the id is loaded) the plugin in {@code folder} although its version is older
     * than the newest accepted: the operator's deliberate rollback. Every other check still applies; the
     * older version becomes the newest accepted.
     */
    PluginInfo rollback(String pluginId, Path folder) throws PluginException;
}
