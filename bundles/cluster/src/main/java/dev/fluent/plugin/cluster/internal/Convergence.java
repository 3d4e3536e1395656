package dev.fluent.plugin.cluster.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.cluster.ClusterStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's side of the catalogue, run on the cluster's single worker thread only: it publishes what the
 * operator did here, and brings this node to what the catalogue says. Every plugin it loads goes through this
 * node's own {@link PluginRegistry}, so every load check runs here against this node's trust store and policy;
 * nothing another member says is taken on trust but the bytes, and those are checked against the checksum that
 * addresses them.
 */
final class Convergence {

    private static final Logger LOG = LoggerFactory.getLogger(Convergence.class);
    /** A version that failed here is tried again after this long (or at once when trust changes). */
    private static final long RETRY_MILLIS = 30_000;

    private final HazelcastMember member;
    private final PluginRegistry registry;
    private final PluginSources sources;
    private final TrustStore trust;
    private final Path downloads;
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final Map<String, Long> failedAt = new HashMap<>();
    private volatile String lastChange = "";
    private volatile boolean converged;

    Convergence(HazelcastMember member, PluginRegistry registry, PluginSources sources, TrustStore trust,
            Path downloads) {
        this.member = member;
        this.registry = registry;
        this.sources = sources;
        this.trust = trust;
        this.downloads = downloads;
    }

    /**
     * The operator loaded or reloaded {@code id} here: the catalogue takes it, unless it already holds that
     * version or a newer one (a node restoring an older version after a restart converges instead).
     */
    void published(String id) {
        Optional<PluginInfo> loaded = registry.find(id);
        if (loaded.isEmpty()) {
            return;
        }
        PluginInfo info = loaded.get();
        String checksum = info.manifest().checksum();
        Optional<ClusterStatus.Entry> current = member.entry(id);
        if (current.isPresent() && current.get().loaded() && (same(current.get(), info)
                || Versions.compare(info.manifest().version(), current.get().version()) < 0)) {
            return;
        }
        byte[] archive;
        try {
            byte[] manifest = Files.readAllBytes(info.source().resolve(PluginArchives.MANIFEST));
            byte[] wasm = Files.readAllBytes(info.source().resolve(PluginArchives.WASM));
            if (!PluginArchives.sha256(wasm).equals(checksum)) {
                LOG.warn("Not published to the cluster: {} changed on disk since {} {} was loaded from it",
                        SafeText.escape(info.source().toString()), id, info.manifest().version());
                return;
            }
            archive = PluginArchives.zip(manifest, wasm);
        } catch (IOException e) {
            LOG.warn("Not published to the cluster: cannot read {}: {}", id, SafeText.escape(e.toString()));
            return;
        }
        ClusterStatus.Entry entry = new ClusterStatus.Entry(id, info.manifest().version(), checksum,
                info.manifest().signature(), PluginArchives.sha256(archive), true, info.source().toString(),
                member.localAddress(), System.currentTimeMillis());
        member.publish(entry, archive);
        changed("published " + id + " " + entry.version());
    }

    /** The operator unloaded {@code id} here: the catalogue records the removal, which every node applies. */
    void unpublished(String id) {
        Optional<ClusterStatus.Entry> current = member.entry(id);
        if (current.isEmpty() || !current.get().loaded() || registry.find(id).isPresent()) {
            return;
        }
        ClusterStatus.Entry e = current.get();
        member.publish(new ClusterStatus.Entry(id, e.version(), e.checksum(), e.signature(), e.archive(), false,
                e.source(), member.localAddress(), System.currentTimeMillis()), null);
        changed("published unload of " + id);
    }

    /** Brings this node to the catalogue, then publishes the plugins only this node runs, and reports. */
    void converge() {
        Map<String, ClusterStatus.Entry> catalogue = member.catalogue();
        for (ClusterStatus.Entry entry : catalogue.values()) {
            try {
                apply(entry);
            } catch (PluginException e) {
                problems.put(entry.id(), e.toString());
                failedAt.put(entry.id() + "@" + entry.archive(), System.currentTimeMillis());
                LOG.warn("Cluster: {} {} not applied on this node: {}", entry.id(), entry.version(),
                        SafeText.escape(e.toString()));
            } catch (RuntimeException e) {
                problems.put(entry.id(), ErrorCode.INTERNAL + ": " + e);
                LOG.error("Cluster: applying {} failed", entry.id(), e);
            }
        }
        for (PluginInfo info : registry.list()) {
            if (!catalogue.containsKey(info.id())) {
                published(info.id());
            }
        }
        problems.keySet().removeIf(id -> !catalogue.containsKey(id));
        converged = problems.isEmpty();
        report();
    }

    private void apply(ClusterStatus.Entry entry) throws PluginException {
        Optional<PluginInfo> local = registry.find(entry.id());
        if (!entry.loaded()) {
            problems.remove(entry.id());
            if (local.isPresent()) {
                registry.unload(entry.id());
                changed("unloaded " + entry.id() + " (by " + entry.origin() + ")");
            }
            return;
        }
        if (local.isPresent() && same(entry, local.get())) {
            problems.remove(entry.id());
            return;
        }
        Long failed = failedAt.get(entry.id() + "@" + entry.archive());
        if (failed != null && System.currentTimeMillis() - failed < RETRY_MILLIS) {
            return;
        }
        Path folder = fetch(entry);
        PluginInfo info = local.isPresent() ? registry.reload(entry.id(), folder) : registry.load(folder, false);
        problems.remove(entry.id());
        changed((local.isPresent() ? "reloaded " : "loaded ") + info.id() + " " + info.manifest().version()
                + " (from " + entry.origin() + ")");
    }

    /** Whether the plugin loaded here is the catalogue's version: the same version, module and signature. */
    private static boolean same(ClusterStatus.Entry entry, PluginInfo local) {
        return entry.version().equals(local.manifest().version())
                && entry.checksum().equals(local.manifest().checksum())
                && java.util.Objects.equals(entry.signature(), local.manifest().signature());
    }

    /**
     * The catalogue's bytes for {@code entry}, unpacked through {@link PluginSources} (bounded, only the two
     * files), and checked to be the plugin the entry names with the module its checksum addresses.
     */
    private Path fetch(ClusterStatus.Entry entry) throws PluginException {
        byte[] archive = member.artifact(entry.archive());
        if (archive == null) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, entry.id(), "the cluster holds no archive for "
                    + entry.id() + " " + entry.version() + " (" + entry.archive() + "); load it again on any node");
        }
        if (!PluginArchives.sha256(archive).equals(entry.archive())) {
            throw new PluginException(ErrorCode.CHECKSUM_MISMATCH, entry.id(), "the cluster's archive for "
                    + entry.id() + " " + entry.version() + " is not the one its entry addresses (" + entry.archive()
                    + "); refused (a member wrote bytes that are not the catalogue's)");
        }
        Path folder;
        try {
            Files.createDirectories(downloads);
            Path zip = Files.createTempFile(downloads, entry.archive(), ".zip");
            try {
                Files.write(zip, archive);
                folder = sources.folder(zip.toString());
            } finally {
                Files.deleteIfExists(zip);
            }
            String wasm = PluginArchives.sha256(Files.readAllBytes(folder.resolve(PluginArchives.WASM)));
            String name = new ObjectMapper().readTree(folder.resolve(PluginArchives.MANIFEST).toFile())
                    .path("name").asText("");
            if (!wasm.equals(entry.checksum()) || !name.equals(entry.id())) {
                throw new PluginException(ErrorCode.CHECKSUM_MISMATCH, entry.id(), "the cluster's archive for "
                        + entry.id() + " holds " + name + " with module " + wasm + ", not " + entry.id() + " with "
                        + entry.checksum() + "; refused (a member wrote bytes that are not the catalogue's)");
            }
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, entry.id(), "cannot unpack the cluster's archive of "
                    + entry.id() + ": " + e, e);
        }
        return folder;
    }

    /** Applies the cluster's revocations this node has not made yet; its trust store unloads the plugins. */
    void revoke(String keyId) {
        if (trust.revokedKeyIds().contains(keyId)) {
            return;
        }
        try {
            trust.revoke(keyId);
            changed("revoked key " + keyId);
        } catch (PluginException e) {
            LOG.warn("Cluster: revocation of {} not applied: {}", SafeText.escape(keyId), SafeText.escape(e.toString()));
        }
    }

    /** A trust change here may let a refused version load: try it at once. */
    void trustChanged() {
        failedAt.clear();
    }

    void report() {
        Map<String, String> plugins = new TreeMap<>();
        registry.list().forEach(p -> plugins.put(p.id(), p.manifest().version()));
        member.report(new ClusterStatus.Node(member.localAddress(), plugins, converged, new TreeMap<>(problems),
                lastChange, System.currentTimeMillis()));
    }

    boolean converged() {
        return converged;
    }

    private void changed(String what) {
        lastChange = Instant.now() + " " + what;
        LOG.info("Cluster: {}", SafeText.escape(what));
    }
}
