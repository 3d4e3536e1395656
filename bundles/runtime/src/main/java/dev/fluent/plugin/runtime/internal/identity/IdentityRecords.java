package dev.fluent.plugin.runtime.internal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of every plugin id this platform accepted: its owner (the key of its first accepted version,
 * unless the operator declared one) and the newest version accepted, kept in {@code plugin-identities.json}
 * so that neither a restart nor an unload lets another key take an id over or an old version come back.
 * Written whole and atomically on every change.
 *
 * <p>A load is checked ({@link #check}) before the module is compiled and recorded ({@link #accepted}) once
 * it is registered, so a version that fails after the check advances nothing.
 */
public final class IdentityRecords {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The policy key that declares the owner of one plugin id: {@code owner.<plugin-id> = <key id>}. */
    public static final String OWNER_PREFIX = "owner.";

    /** What {@link #accepted} changed about an id's owner. */
    public enum Binding { UNCHANGED, BOUND }

    private final Path file;
    private final Clock clock;
    private final Map<String, PluginIdentity> records = new TreeMap<>();
    /** Owners declared by the operator ({@code owner.<plugin-id>}); they win over bound ones. */
    private Map<String, String> declared = Map.of();
    /** The older version the operator allowed for each id, until the rollback loads it. */
    private final Map<String, String> rollbacks = new HashMap<>();

    /** @param directory where the file lives, or {@code null} to keep the records in memory only */
    public IdentityRecords(Path directory, Clock clock) {
        this.file = directory == null ? null : directory.resolve("plugin-identities.json");
        this.clock = clock;
        read();
    }

    /**
     * The operator's declared owners, replacing those declared before.
     *
     * @return the ids whose owner is different now
     */
    public synchronized Set<String> declare(Map<String, String> owners) {
        Set<String> changed = new HashSet<>();
        Set<String> ids = new HashSet<>(owners.keySet());
        ids.addAll(declared.keySet());
        for (String id : ids) {
            String before = owner(id, declared);
            String after = owner(id, owners);
            if (before != null && after != null && !before.equals(after)) {
                changed.add(id);
            }
        }
        declared = Map.copyOf(owners);
        return changed;
    }

    /** The owners declared in the platform's configuration properties ({@value #OWNER_PREFIX}{@code <id>}). */
    public static Map<String, String> declarations(Map<String, ?> properties) {
        Map<String, String> owners = new HashMap<>();
        if (properties != null) {
            properties.forEach((key, value) -> {
                if (key.startsWith(OWNER_PREFIX) && key.length() > OWNER_PREFIX.length() && value != null
                        && !String.valueOf(value).isBlank()) {
                    owners.put(key.substring(OWNER_PREFIX.length()), String.valueOf(value).trim());
                }
            });
        }
        return owners;
    }

    private String owner(String id, Map<String, String> declarations) {
        String owner = declarations.get(id);
        if (owner != null) {
            return owner;
        }
        PluginIdentity record = records.get(id);
        return record == null ? null : record.owner();
    }

    /** The identity of {@code id} as it stands: its record, with the declared owner if there is one. */
    public synchronized Optional<PluginIdentity> identity(String id) {
        PluginIdentity record = records.get(id);
        String owner = declared.get(id);
        if (owner == null) {
            return Optional.ofNullable(record);
        }
        return Optional.of(record == null
                ? new PluginIdentity(id, owner, true, null, null, null)
                : new PluginIdentity(id, owner, true, record.version(), record.createdAt(), record.boundAt()));
    }

    public synchronized List<PluginIdentity> all() {
        Set<String> ids = new TreeSet<>(records.keySet());
        ids.addAll(declared.keySet());
        return ids.stream().map(id -> identity(id).orElseThrow()).toList();
    }

    /**
     * Whether {@code manifest} may be accepted under its id: signed by the id's owner, and not older than the
     * newest version accepted (unless the operator allowed exactly this version back).
     */
    public synchronized void check(PluginManifest manifest) throws PluginException {
        PluginException wrongOwner = ownerMismatch(manifest);
        if (wrongOwner != null) {
            throw wrongOwner;
        }
        String id = manifest.name();
        PluginIdentity current = identity(id).orElse(null);
        // A replay is of a signed version: unsigned ones (development mode only) can say any version anyway.
        if (current == null || current.version() == null || manifest.signature() == null
                || manifest.version().equals(rollbacks.get(id))) {
            return;
        }
        int order = SemanticVersions.compare(manifest.version(), current.version());
        boolean olderBuild = order == 0 && manifest.createdAt() != null && current.createdAt() != null
                && manifest.createdAt().isBefore(current.createdAt());
        if (order < 0 || olderBuild) {
            throw new PluginException(ErrorCode.DOWNGRADE, id, "plugin " + id + " " + manifest.version()
                    + (olderBuild ? " built " + manifest.createdAt() + " is older than the " + current.version()
                            + " built " + current.createdAt() : " is older than " + current.version())
                    + ", which this platform has accepted already: an old version is refused so it cannot be"
                    + " replayed. To go back on purpose: plugin:rollback " + id + " <folder>");
        }
    }

    /**
     * Why {@code manifest} may not run under its id because another key owns it, or {@code null} when its
     * signer is the owner (or the id has none yet).
     */
    public synchronized OwnerMismatch ownerMismatch(PluginManifest manifest) {
        String id = manifest.name();
        PluginIdentity current = identity(id).orElse(null);
        String claimed = PluginIdentity.ownerOf(manifest);
        if (current == null || current.owner().equals(claimed)) {
            return null;
        }
        return new OwnerMismatch(id, current.owner(), claimed, "plugin " + id + " belongs to "
                + describe(current.owner()) + (current.declared() ? " (declared by owner." + id + " in the policy)"
                        : " (the signer of the first version accepted)") + ", but this version is "
                + (PluginIdentity.UNSIGNED.equals(claimed) ? "unsigned" : "signed by key " + claimed)
                + ": an id cannot change hands by a new signature. If this author really took " + id
                + " over, give it to them first: plugin:owner --transfer " + claimed + " " + id);
    }

    /**
     * {@code manifest} was registered: the id is bound to its signer if it was not, and a signed version is
     * recorded as the newest unless a newer one was.
     */
    public synchronized Binding accepted(PluginManifest manifest) {
        String id = manifest.name();
        PluginIdentity record = records.get(id);
        boolean rollback = manifest.version().equals(rollbacks.remove(id));
        Binding binding = Binding.UNCHANGED;
        String owner;
        Instant boundAt;
        if (record == null) {
            owner = declared.getOrDefault(id, PluginIdentity.ownerOf(manifest));
            boundAt = clock.instant();
            binding = Binding.BOUND;
        } else {
            owner = record.owner();
            boundAt = record.boundAt();
        }
        String version = manifest.version();
        Instant createdAt = manifest.createdAt();
        boolean keepRecorded = manifest.signature() == null // only signed versions count (see check)
                || !rollback && SemanticVersions.compare(version, record == null || record.version() == null
                        ? version : record.version()) < 0;
        if (keepRecorded) {
            // Unsigned, or a newer one was accepted meanwhile: the newest signed version stays.
            version = record == null ? null : record.version();
            createdAt = record == null ? null : record.createdAt();
        }
        records.put(id, new PluginIdentity(id, owner, false, version, createdAt, boundAt));
        save();
        return binding;
    }

    /** The operator allows {@code version} of {@code id} back once, though a newer one was accepted. */
    public synchronized void allowRollback(String id, String version) {
        rollbacks.put(id, version);
    }

    public synchronized void withdrawRollback(String id) {
        rollbacks.remove(id);
    }

    /** Gives {@code id} to {@code owner}; the version history stays. */
    public synchronized PluginIdentity transfer(String id, String owner) {
        PluginIdentity record = records.get(id);
        PluginIdentity next = new PluginIdentity(id, owner, false, record == null ? null : record.version(),
                record == null ? null : record.createdAt(), clock.instant());
        records.put(id, next);
        save();
        return identity(id).orElseThrow();
    }

    /** Forgets {@code id}'s record; {@code false} if there was none. */
    public synchronized boolean release(String id) {
        boolean had = records.remove(id) != null;
        if (had) {
            save();
        }
        return had;
    }

    private static String describe(String owner) {
        return PluginIdentity.UNSIGNED.equals(owner) ? "no key (it was first accepted unsigned)" : "key " + owner;
    }

    private void read() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            root.fields().forEachRemaining(e -> {
                JsonNode r = e.getValue();
                records.put(e.getKey(), new PluginIdentity(e.getKey(), r.path("owner").asText(),
                        false, text(r, "version"), instant(r, "created_at"), instant(r, "bound_at")));
            });
        } catch (IOException | RuntimeException e) {
            // Failing closed would keep every plugin from loading; failing open forgets the owners. The file is
            // kept aside for the operator, and the error says so.
            LOG.error("Cannot read {} ({}): plugin owners and accepted versions are forgotten; the file is kept"
                    + " as {}.unreadable", file, e.toString(), file.getFileName());
            try {
                Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the next save overwrites it
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = text(node, field);
        return v == null ? null : Instant.parse(v);
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        records.forEach((id, r) -> {
            ObjectNode n = root.putObject(id);
            n.put("owner", r.owner());
            n.put("version", r.version());
            n.put("created_at", Objects.toString(r.createdAt(), null));
            n.put("bound_at", Objects.toString(r.boundAt(), null));
        });
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "plugin-identities", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("Cannot write {}: plugin owners and accepted versions will not survive a restart ({})",
                    file, e.toString());
        }
    }
}
