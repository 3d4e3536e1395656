package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation list, {@value TrustSettings#REVOKED_KEYS} of PID {@value TrustSettings#PID}: the ids it holds
 * arrive with the configuration ({@link TrustSettings#revoked()}); this saves an added id, so that it outlives a
 * restart: into the configuration's {@code .cfg} file when it has one ({@link ConfigFile}), through Config Admin
 * otherwise. It also says why a revoked key is refused.
 */
final class RevocationList {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    /** Where an operator edits the list by hand. */
    static final String CONFIG_FILE = "etc/" + TrustSettings.PID + ".cfg";

    private final AtomicReference<ConfigurationAdmin> configurationAdmin = new AtomicReference<>();

    void bind(ConfigurationAdmin admin) {
        configurationAdmin.set(admin);
    }

    void unbind(ConfigurationAdmin admin) {
        configurationAdmin.compareAndSet(admin, null);
    }

    /**
     * Adds a key id to the saved list.
     *
     * @return the id as the list holds it (trimmed, lower case)
     * @throws PluginException {@code KEY_INVALID} for what is not a key id; {@code INTERNAL} when the list cannot be
     *         saved, naming the file to edit instead
     */
    synchronized String save(String keyId) throws PluginException {
        String id = keyId == null ? "" : keyId.trim().toLowerCase(Locale.ROOT);
        if (!PublicKeys.isKeyId(id)) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "'" + keyId + "' is not a key id (" + PublicKeys.KEY_ID_RULE + ")");
        }
        ConfigurationAdmin admin = configurationAdmin.get();
        if (admin == null) {
            throw new PluginException(ErrorCode.INTERNAL, null, "Config Admin is not running, so the revocation cannot"
                    + " be saved; add " + id + " to " + TrustSettings.REVOKED_KEYS + " in " + CONFIG_FILE + " instead");
        }
        try {
            add(admin, Set.of(id), false);
        } catch (IOException | RuntimeException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "cannot save the revocation of " + id + ": " + e, e);
        }
        return id;
    }

    /**
     * Saves again those of {@code ids} (revocations not in the configuration yet) that the configuration file
     * no longer holds. Karaf's file watcher writes each configuration it reads back to the file; when a
     * revocation is saved between its reading an earlier one and its writing it back, that write-back puts the
     * older list over the newer, and the file watcher then takes the file as read.
     */
    synchronized void keep(Set<String> ids) {
        ConfigurationAdmin admin = configurationAdmin.get();
        if (ids.isEmpty() || admin == null) {
            return;
        }
        try {
            Set<String> lost = add(admin, ids, true);
            if (!lost.isEmpty()) {
                LOG.warn("Saved the revocation of {} again: {} had lost it", lost, CONFIG_FILE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot save the revocation of {} again", ids, e);
        }
    }

    /**
     * Adds {@code ids} to the saved list: into the configuration's file when it has one, through Config Admin
     * otherwise (unless {@code fileOnly}).
     *
     * @return the ids that were not in the list
     */
    private static Set<String> add(ConfigurationAdmin admin, Set<String> ids, boolean fileOnly) throws IOException {
        Configuration configuration = admin.getConfiguration(TrustSettings.PID, null);
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        // The file, when there is one, is ahead of Config Admin, which reads it a scan later.
        Path file = ConfigFile.of(properties.get(ConfigFile.FILE_PROPERTY));
        if (file == null && fileOnly) {
            return Set.of();
        }
        Object saved = file != null ? ConfigFile.get(file, TrustSettings.REVOKED_KEYS)
                : properties.get(TrustSettings.REVOKED_KEYS);
        Set<String> list = new TreeSet<>(TrustSettings.keyIds(saved));
        Set<String> added = new TreeSet<>(ids);
        added.removeAll(list);
        if (added.isEmpty()) {
            return added;
        }
        list.addAll(added);
        if (file != null) {
            // Karaf's file watcher brings the file into Config Admin (see ConfigFile for why not update).
            ConfigFile.set(file, TrustSettings.REVOKED_KEYS, String.join(",", list));
        } else {
            properties.put(TrustSettings.REVOKED_KEYS, String.join(",", list));
            configuration.update(properties);
        }
        return added;
    }

    /**
     * The refusal of a revoked key.
     *
     * @param subject what the message is about, e.g. {@code "plugin echo is signed by key …, which is"}
     */
    static PluginException refusal(String pluginId, String subject) {
        return new PluginException(ErrorCode.KEY_REVOKED, pluginId, subject + " revoked (" + TrustSettings.REVOKED_KEYS
                + " in " + CONFIG_FILE + "): nothing it signed loads. Ask the plugin's author for a version signed with a"
                + " current key");
    }
}
