package dev.fluent.plugin.cluster.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginSources;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.api.spi.RateLimitAuthority;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.cluster.ClusterStatus;
import dev.fluent.plugin.cluster.ClusterView;
import dev.fluent.plugin.cluster.internal.limits.ClusterRateLimits;
import dev.fluent.plugin.cluster.internal.limits.HazelcastBuckets;
import dev.fluent.plugin.cluster.internal.reports.NodeReports;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node in the cluster, when {@code enabled} in {@code etc/dev.fluent.plugin.cluster.cfg}: it runs a
 * Hazelcast member, hears what the operator does here (as an {@link AuditSink}: successful loads, reloads and
 * operator unloads; as a {@link TrustListener}: revocations) and publishes it, and converges this node to the
 * catalogue. All of it runs on one worker thread, in order, off the threads that load and execute plugins; a
 * change of the configuration restarts the component, so it applies live. Once joined and converged, it registers
 * the cluster's {@link RateLimitAuthority}, so rate limits hold for the whole cluster; without it (the cluster
 * off) each node's own buckets decide, as on a single platform.
 */
@Component(service = {ClusterView.class, ClusterReports.class, AuditSink.class, TrustListener.class},
        configurationPid = ClusterConfig.PID, immediate = true)
@Designate(ocd = ClusterConfig.class)
public final class ClusterService implements ClusterView, ClusterReports, AuditSink, TrustListener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    private final ClusterConfig config;
    private final PluginRegistry registry;
    private final PluginSources sources;
    private final TrustStore trust;
    private final ScheduledExecutorService worker;
    private final BundleContext context;
    private volatile HazelcastMember member;
    private volatile Convergence convergence;
    private volatile ClusterRateLimits rateLimits;
    private volatile HazelcastBuckets buckets;
    private volatile ServiceRegistration<RateLimitAuthority> rateRegistration;
    private volatile NodeReports reports;

    /** This node's audit log, answering {@code plugin:audit --cluster} from other nodes; absent, it says so. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    @Activate
    public ClusterService(BundleContext context, ClusterConfig config, @Reference PluginRegistry registry,
            @Reference PluginSources sources, @Reference TrustStore trust) {
        this.context = context;
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
            startRateLimits(started);
            reports = new NodeReports(started.reportChannel(), registry, () -> audit);
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

    /** From now on rate limits hold for the whole cluster: the runtime asks the shared buckets, not its own. */
    private void startRateLimits(HazelcastMember started) {
        int configured = HazelcastMember.configuredCount(config, started.localAddress());
        HazelcastBuckets store = new HazelcastBuckets(started.rates());
        ClusterRateLimits limits = ClusterRateLimits.over(store, started::memberCount, () -> configured);
        buckets = store;
        rateLimits = limits;
        if (context != null) {
            rateRegistration = context.registerService(RateLimitAuthority.class, limits, null);
        }
    }

    @Deactivate
    void stop() {
        ServiceRegistration<RateLimitAuthority> registration = rateRegistration;
        if (registration != null) {
            // First: the node's own buckets decide again before the member that holds the shared ones goes.
            registration.unregister();
        }
        HazelcastBuckets store = buckets;
        if (store != null) {
            store.close();
        }
        NodeReports answering = reports;
        if (answering != null) {
            answering.close();
        }
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
                ClusterRateLimits limits = rateLimits;
                if (limits != null) {
                    limits.forget(id);
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
            return new ClusterStatus(false, config.cluster_name(), "", "off", false, Map.of(), List.of(),
                    "this node's own buckets");
        }
        if (running == null || convergence == null) {
            return new ClusterStatus(true, config.cluster_name(), "", "joining", false, Map.of(), List.of(),
                    "this node's own buckets until it has joined");
        }
        List<String> members = running.memberAddresses();
        List<String> configured = HazelcastMember.members(config);
        String state = members.size() == 1 && configured.stream().anyMatch(m -> !m.equals(running.localAddress()))
                ? "alone" : "member";
        ClusterRateLimits limits = rateLimits;
        return new ClusterStatus(true, config.cluster_name(), running.localAddress(), state,
                convergence.converged(), running.catalogue(), running.nodes(),
                limits == null ? "this node's own buckets until it has converged" : limits.mode());
    }

    @Override
    public List<NodeStats> stats() throws PluginException {
        return reports().stats();
    }

    @Override
    public List<NodeAudit> audit(AuditQuery query) throws PluginException {
        return reports().audit(query);
    }

    private NodeReports reports() throws PluginException {
        NodeReports answering = reports;
        if (answering != null) {
            return answering;
        }
        throw new PluginException(ErrorCode.CLUSTER_UNAVAILABLE, null, config.enabled()
                ? "this node is still joining cluster " + SafeText.escape(config.cluster_name()) + " (plugin:cluster shows "
                        + "its state); ask again once it is a member"
                : "the cluster is off on this node: set enabled = true in etc/" + ClusterConfig.PID + ".cfg");
    }
}
