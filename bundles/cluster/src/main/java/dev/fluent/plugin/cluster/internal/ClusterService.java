package dev.fluent.plugin.cluster.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.cluster.ClusterStatus;
import dev.fluent.plugin.cluster.ClusterView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node in the cluster, when {@code enabled} in {@code etc/dev.fluent.plugin.cluster.cfg}: it runs a
 * Hazelcast member, hears what the operator does here (as an {@link AuditSink}: successful loads, reloads and
 * operator unloads; as a {@link TrustListener}: revocations) and publishes it, and converges this node to the
 * catalogue. All of it runs on one worker thread, in order, off the threads that load and execute plugins; a
 * change of the configuration restarts the component, so it applies live.
 */
@Component(service = {ClusterView.class, AuditSink.class, TrustListener.class}, configurationPid = ClusterConfig.PID,
        immediate = true)
@Designate(ocd = ClusterConfig.class)
public final class ClusterService implements ClusterView, AuditSink, TrustListener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    private final ClusterConfig config;
    private final PluginRegistry registry;
    private final PluginSources sources;
    private final TrustStore trust;
    private final ScheduledExecutorService worker;
    private volatile HazelcastMember member;
    private volatile Convergence convergence;

    @Activate
    public ClusterService(ClusterConfig config, @Reference PluginRegistry registry, @Reference PluginSources sources,
            @Reference TrustStore trust) {
        this.config = config;
        this.registry = registry;
        this.sources = sources;
        this.trust = trust;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fluent-cluster");
            thread.setDaemon(true);
            return thread;
        });
        if (config.enabled()) {
            // Joining waits for the other members: never on the thread that activates components.
            worker.execute(this::start);
        }
    }

    private void start() {
        try {
            HazelcastMember started = HazelcastMember.start(config);
            Convergence converging = new Convergence(started, registry, sources, trust,
                    Path.of(System.getProperty("karaf.data", "data"), "fluent-plugin", "cluster"));
            member = started;
            started.onChange(() -> submit(converging::converge), keyId -> submit(() -> converging.revoke(keyId)),
                    () -> submit(converging::report));
            // A node that starts or rejoins takes the revocations it missed, then converges to the catalogue.
            started.revokedKeyIds().forEach(converging::revoke);
            converging.converge();
            convergence = converging;
            LOG.info("Cluster {}: member {} of {}", SafeText.escape(config.cluster_name()), started.localAddress(),
                    started.memberAddresses());
            worker.scheduleWithFixedDelay(converging::converge, config.converge_interval_seconds(),
                    Math.max(1, config.converge_interval_seconds()), TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.error("Cluster {}: this node could not start its member on {}:{} ({}); it serves alone. Check port "
                    + "and bind.address in etc/{}.cfg", SafeText.escape(config.cluster_name()),
                    SafeText.escape(config.bind_address()), config.port(), SafeText.escape(e.toString()),
                    ClusterConfig.PID, e);
        }
    }

    @Deactivate
    void stop() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HazelcastMember running = member;
        if (running != null) {
            running.close();
        }
    }

    /** Called on the thread that loaded, reloaded or unloaded: hands the change to the worker and returns. */
    @Override
    public void record(AuditEvent event) {
        Convergence converging = convergence;
        if (converging == null || !event.success() || event.pluginId().isEmpty()) {
            return;
        }
        String id = event.pluginId();
        switch (event.action()) {
            case AuditActions.LOAD, AuditActions.RELOAD -> submit(() -> converging.published(id));
            // An unload the platform made (expiry, a key no longer trusted here) stays this node's affair: it
            // carries a reason; only the operator's unload changes the catalogue.
            case AuditActions.UNLOAD -> {
                if (!event.details().containsKey("reason")) {
                    submit(() -> converging.unpublished(id));
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void trustChanged(String keyId, Change change) {
        Convergence converging = convergence;
        HazelcastMember running = member;
        if (converging == null || running == null) {
            return;
        }
        if (change == Change.REVOKED) {
            // Only revocations travel: trusting a key stays each node's own act.
            submit(() -> running.revoke(keyId, running.localAddress()));
        } else if (change == Change.TRUSTED || change == Change.REINSTATED) {
            submit(converging::trustChanged);
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Cluster: a task failed", e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The component is stopping: the next start converges anyway.
        }
    }

    @Override
    public ClusterStatus status() {
        HazelcastMember running = member;
        Convergence convergence = this.convergence;
        if (!config.enabled()) {
            return new ClusterStatus(false, config.cluster_name(), "", "off", false, Map.of(), List.of());
        }
        if (running == null || convergence == null) {
            return new ClusterStatus(true, config.cluster_name(), "", "joining", false, Map.of(), List.of());
        }
        List<String> members = running.memberAddresses();
        List<String> configured = HazelcastMember.members(config);
        String state = members.size() == 1 && configured.stream().anyMatch(m -> !m.equals(running.localAddress()))
                ? "alone" : "member";
        return new ClusterStatus(true, config.cluster_name(), running.localAddress(), state,
                convergence.converged(), running.catalogue(), running.nodes());
    }
}
