package dev.fluent.plugin.cluster.internal.reports;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.PluginStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every member for its own figures or audit entries and gathers the answers: a question goes out on a
 * topic, each member (this one too) answers from its own registry and audit log on a thread of its own and writes
 * the answer into a map under the question's id and its member id (kept a minute), and the asking node collects
 * them until every member present when it asked has answered or the time is up. Only JSON text travels, no class.
 * A member that does not answer in time is reported with that reason.
 */
public final class NodeReports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeReports.class);

    /** How long a view waits for the members' figures. */
    static final long STATS_WAIT_MILLIS = 5_000;
    /** Audit answers walk each node's whole chain: more time. */
    static final long AUDIT_WAIT_MILLIS = 20_000;

    /** What the reports travel through: a Hazelcast topic and map in a member. */
    public interface Channel {

        /** Member id → address, of the members present now. */
        Map<String, String> members();

        String localId();

        void ask(String question);

        void onQuestion(java.util.function.Consumer<String> listener);

        void answer(String key, String answer);

        /** The answers written so far under these keys. */
        Map<String, String> answers(java.util.Set<String> keys);
    }

    private final Channel channel;
    private final PluginRegistry registry;
    private final Supplier<AuditLog> audit;
    private final long statsWaitMillis;
    private final long auditWaitMillis;
    private final ExecutorService answering = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "fluent-cluster-answers");
        thread.setDaemon(true);
        return thread;
    });

    public NodeReports(Channel channel, PluginRegistry registry, Supplier<AuditLog> audit) {
        this(channel, registry, audit, STATS_WAIT_MILLIS, AUDIT_WAIT_MILLIS);
    }

    NodeReports(Channel channel, PluginRegistry registry, Supplier<AuditLog> audit, long statsWaitMillis,
            long auditWaitMillis) {
        this.channel = channel;
        this.registry = registry;
        this.audit = audit;
        this.statsWaitMillis = statsWaitMillis;
        this.auditWaitMillis = auditWaitMillis;
        channel.onQuestion(question -> answering.execute(() -> answer(question)));
    }

    private void answer(String question) {
        Map<String, Object> ask;
        String id;
        try {
            ask = ReportCodec.read(question);
            id = ReportCodec.text(ask, "id");
        } catch (RuntimeException unreadable) {
            LOG.warn("Cluster: a question another member sent does not read, not answered: {}", unreadable.toString());
            return;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            String kind = String.valueOf(ask.get("kind"));
            switch (kind) {
                case "stats" -> reply.put("plugins", registry.list().stream().map(info -> registry.stats(info.id()))
                        .flatMap(Optional::stream).map(ReportCodec::stats).toList());
                case "audit" -> {
                    AuditLog log = audit.get();
                    if (log == null) {
                        reply.put("error", "no audit log runs on this node (feature fluent-plugin-audit)");
                    } else {
                        AuditQuery query = ReportCodec.query(ReportCodec.map(ask, "query"));
                        reply.put("entries", log.query(query).stream().map(ReportCodec::record).toList());
                        reply.put("verification", ReportCodec.verification(log.verify()));
                    }
                }
                default -> reply.put("error", "asked for " + kind + ", which this node does not report (a newer node "
                        + "asked?)");
            }
        } catch (RuntimeException e) {
            reply.clear();
            reply.put("error", "this node could not answer: " + e);
        }
        channel.answer(id + "/" + channel.localId(), ReportCodec.write(reply));
    }

    public List<ClusterReports.NodeStats> stats() {
        List<ClusterReports.NodeStats> nodes = new ArrayList<>();
        gather("stats", Map.of(), statsWaitMillis).forEach((node, reply) -> {
            try {
                String error = reply.containsKey("error") ? String.valueOf(reply.get("error")) : null;
                List<PluginStats> plugins = new ArrayList<>();
                for (Object s : ReportCodec.list(reply, "plugins")) {
                    plugins.add(ReportCodec.stats(asMap(s)));
                }
                nodes.add(new ClusterReports.NodeStats(node, error, plugins));
            } catch (RuntimeException unreadable) {
                nodes.add(new ClusterReports.NodeStats(node, "its answer does not read: " + unreadable.getMessage(),
                        List.of()));
            }
        });
        return nodes;
    }

    public List<ClusterReports.NodeAudit> audit(AuditQuery query) {
        List<ClusterReports.NodeAudit> nodes = new ArrayList<>();
        gather("audit", Map.of("query", ReportCodec.query(query)), auditWaitMillis).forEach((node, reply) -> {
            try {
                String error = reply.containsKey("error") ? String.valueOf(reply.get("error")) : null;
                List<AuditRecord> entries = new ArrayList<>();
                for (Object r : ReportCodec.list(reply, "entries")) {
                    entries.add(ReportCodec.record(asMap(r)));
                }
                nodes.add(new ClusterReports.NodeAudit(node, error, entries, reply.get("verification") == null ? null
                        : ReportCodec.verification(ReportCodec.map(reply, "verification"))));
            } catch (RuntimeException unreadable) {
                nodes.add(new ClusterReports.NodeAudit(node, "its answer does not read: " + unreadable.getMessage(),
                        List.of(), null));
            }
        });
        return nodes;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(value + " is not an object");
    }

    /** Node address → its reply, or a reply holding only {@code error} when it did not answer in time. */
    private Map<String, Map<String, Object>> gather(String kind, Map<String, Object> extra, long waitMillis) {
        String id = UUID.randomUUID().toString();
        Map<String, String> members = channel.members();
        Map<String, String> keys = new TreeMap<>();
        members.forEach((member, address) -> keys.put(id + "/" + member, address));
        Map<String, Object> question = new LinkedHashMap<>(extra);
        question.put("id", id);
        question.put("kind", kind);
        channel.ask(ReportCodec.write(question));
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        Map<String, String> answers = channel.answers(keys.keySet());
        while (answers.size() < keys.size() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            answers = channel.answers(keys.keySet());
        }
        Map<String, Map<String, Object>> replies = new TreeMap<>();
        for (Map.Entry<String, String> key : keys.entrySet()) {
            String answer = answers.get(key.getKey());
            Map<String, Object> reply;
            if (answer == null) {
                reply = Map.of("error", "did not answer within " + (waitMillis % 1000 == 0 ? waitMillis / 1000 + " s"
                        : waitMillis + " ms"));
            } else {
                try {
                    reply = ReportCodec.read(answer);
                } catch (RuntimeException unreadable) {
                    reply = Map.of("error", "its answer does not read: " + unreadable.getMessage());
                }
            }
            replies.put(key.getValue(), reply);
        }
        return replies;
    }

    @Override
    public void close() {
        answering.shutdownNow();
    }
}
