package dev.fluent.plugin.deployer.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugin folder ({@code ${karaf.base}/plugins} by default): a plugin folder, a {@code .zip} of one
 * or a {@code .mvn} file naming a Maven artifact that appears is loaded, one that changes is reloaded (the old
 * version serves until the new one passed every check), one that disappears is unloaded. Archives and
 * artifacts are reached through {@link PluginSources}, as the shell and the HTTP API reach them: the same
 * bounds, the same content-addressed folders, the same audit. Plugins deployed this way are not remembered by
 * the registry across restarts: the folder itself is the memory, scanned again at start.
 *
 * <p>It polls rather than relying on file-system events, which miss changes inside sub-folders and
 * differ between platforms. Failures are audited by the registry; here they are logged once per version
 * of the entry, not on every scan.
 */
@Component(immediate = true, configurationPid = "dev.fluent.plugin.deployer",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeployerConfig.class)
public final class PluginFolderWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(PluginFolderWatcher.class);

    private final PluginRegistry registry;
    private final PluginSources sources;
    private final Path folder;
    private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();
    /** Karaf's marker service, registered once the boot features are installed and started. */
    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";

    private final Object lifecycle = new Object();
    private ScheduledExecutorService scanner;
    private boolean stopped;
    /** Starts the scans once Karaf has started its boot features; {@code null} outside OSGi. */
    private ServiceTracker<Object, Object> bootFinished;

    /** What was seen at the last scan, by path. */
    private final Map<Path, Entry> seen = new HashMap<>();
    /** What is deployed: the entry's fingerprint when it was acted on, and the plugin id it loaded. */
    private final Map<Path, Deployed> deployed = new HashMap<>();

    private record Deployed(Entry entry, String pluginId) {
    }

    /**
     * The first scan waits for Karaf's {@code BootFinished} service: by then the trust store, the verifiers
     * and the capability providers of the boot features are bound, so a plugin in the folder is never refused
     * for a service that was merely late (and no timed wait is needed anywhere).
     */
    @Activate
    public PluginFolderWatcher(BundleContext context, @Reference PluginRegistry registry,
            @Reference PluginSources sources, DeployerConfig config) throws InvalidSyntaxException {
        this(registry, sources, resolveFolder(config.folder()), 0);
        long interval = config.enabled() ? config.scan_interval_ms() : 0;
        if (interval > 0) {
            createIfMissing(folder);
            bootFinished = new ServiceTracker<>(context,
                    context.createFilter("(objectClass=" + BOOT_FINISHED + ")"), null) {
                @Override
                public Object addingService(ServiceReference<Object> reference) {
                    startScanning(interval);
                    return reference;
                }
            };
            bootFinished.open(true);
            LOG.info("Will watch {} for plugins once Karaf has started its boot features", folder);
        }
    }

    /**
     * @param scanIntervalMillis how often to scan; 0 to not scan by itself ({@link #scan()} is called by hand)
     */
    PluginFolderWatcher(PluginRegistry registry, PluginSources sources, Path folder, long scanIntervalMillis) {
        this.registry = registry;
        this.sources = sources;
        this.folder = folder;
        if (scanIntervalMillis > 0) {
            startScanning(scanIntervalMillis);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSink(AuditSink sink) {
        sinks.add(sink);
    }

    void removeSink(AuditSink sink) {
        sinks.remove(sink);
    }

    private void startScanning(long scanIntervalMillis) {
        synchronized (lifecycle) {
            if (scanner != null || stopped) {
                return;
            }
            scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fluent-plugin-deployer");
                t.setDaemon(true);
                return t;
            });
            scanner.scheduleWithFixedDelay(this::scanQuietly, 0, scanIntervalMillis, TimeUnit.MILLISECONDS);
            LOG.info("Watching {} for plugins every {} ms", folder, scanIntervalMillis);
        }
    }

    @Deactivate
    void deactivate() {
        if (bootFinished != null) {
            bootFinished.close();
        }
        ScheduledExecutorService scanner;
        synchronized (lifecycle) {
            stopped = true;
            scanner = this.scanner;
        }
        if (scanner != null) {
            scanner.shutdownNow();
            try {
                scanner.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path resolveFolder(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("karaf.base", "."), "plugins").toAbsolutePath().normalize();
    }

    /**
     * Creates the watched folder when it is missing, as on a Karaf the platform was just installed into: the
     * operator then finds where to drop plugins. A folder that cannot be made is logged, not fatal: scans
     * find it empty until it exists.
     */
    static void createIfMissing(Path folder) {
        if (Files.isDirectory(folder)) {
            return;
        }
        try {
            Files.createDirectories(folder);
            LOG.info("Created the watched plugin folder {}", folder);
        } catch (IOException e) {
            LOG.warn("Cannot create the watched plugin folder {} ({}): create it, or set folder in etc/"
                    + "dev.fluent.plugin.deployer.cfg to one this process may write", folder, e.toString());
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("Scan of {} failed", folder, e);
        }
    }

    /** One scan: acts on every entry that is new, changed or gone and has been stable since the last scan. */
    synchronized void scan() {
        // In name order, so that of two folders declaring one id the same one wins on every start.
        Map<Path, Entry> now = new LinkedHashMap<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> children = Files.list(folder)) {
                for (Path child : children.sorted(Comparator.naturalOrder()).toList()) {
                    try {
                        Entry entry = Entry.of(child);
                        if (entry != null) {
                            now.put(child, entry);
                        }
                    } catch (IOException vanished) {
                        // Removed while we looked: the next scan sees it gone.
                    }
                }
            } catch (IOException e) {
                LOG.warn("Cannot list {}: {}", folder, e.toString());
                return;
            }
        }
        for (Entry entry : now.values()) {
            Entry before = seen.get(entry.path());
            boolean stable = before != null && before.fingerprint().equals(entry.fingerprint());
            Deployed current = deployed.get(entry.path());
            boolean handled = current != null && current.entry().fingerprint().equals(entry.fingerprint());
            if (stable && !handled) {
                deploy(entry, current);
            }
        }
        for (Deployed gone : List.copyOf(deployed.values())) {
            if (!now.containsKey(gone.entry().path())) {
                undeploy(gone);
            }
        }
        seen.clear();
        seen.putAll(now);
    }

    private void deploy(Entry entry, Deployed current) {
        Path path = entry.path();
        String pluginId = current == null ? null : current.pluginId();
        try {
            Path source = sources.folder(location(entry));
            PluginInfo info;
            if (pluginId != null && registry.find(pluginId).isPresent()) {
                info = registry.reload(pluginId, source);
                LOG.info("Reloaded {} {} from {}", info.id(), info.manifest().version(),
                        SafeText.escape(path.toString()));
            } else {
                info = registry.load(source, false);
                LOG.info("Deployed {} {} from {}", info.id(), info.manifest().version(),
                        SafeText.escape(path.toString()));
            }
            deployed.put(path, new Deployed(entry, info.id()));
        } catch (PluginException e) {
            // Remember the failed version: it is not retried until it changes. The old one keeps serving.
            deployed.put(path, new Deployed(entry, pluginId));
            LOG.warn("Could not deploy {}: {}", SafeText.escape(path.toString()), SafeText.escape(e.toString()));
        }
    }

    /**
     * Where the entry's plugin is; a {@code .mvn} file that names no single artifact is refused as a fetch that
     * could not start, audited like one.
     */
    private String location(Entry entry) throws PluginException {
        try {
            return entry.location();
        } catch (IOException e) {
            PluginException refused = new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, e.getMessage(), e);
            AuditEvent event = new AuditEvent(Instant.now(), "", AuditActions.FETCH,
                    SafeText.escape(entry.path().toString()), false, refused.toString(), java.util.Map.of());
            for (AuditSink sink : sinks) {
                sink.record(event);
            }
            throw refused;
        }
    }

    private void undeploy(Deployed gone) {
        deployed.remove(gone.entry().path());
        String id = gone.pluginId();
        if (id == null) {
            return;
        }
        Optional<PluginInfo> loaded = registry.find(id);
        if (loaded.isEmpty()) {
            return;
        }
        try {
            registry.unload(id);
            LOG.info("Undeployed {}: {} was removed", id, SafeText.escape(gone.entry().path().toString()));
        } catch (PluginException e) {
            LOG.warn("Could not undeploy {}: {}", id, SafeText.escape(e.toString()));
        }
    }
}
