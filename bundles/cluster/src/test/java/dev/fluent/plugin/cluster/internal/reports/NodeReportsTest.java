package dev.fluent.plugin.cluster.internal.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.PluginRegistry;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Questions and answers between two members, one of which never answers: the one that does is read back, the
 * silent one is listed with the reason.
 */
class NodeReportsTest {

    /** This node ("self") answers through the channel; "silent" is a member that never does. */
    static final class TwoMembers implements NodeReports.Channel {
        final Map<String, String> answers = new ConcurrentHashMap<>();
        final List<Consumer<String>> listeners = new ArrayList<>();

        @Override
        public Map<String, String> members() {
            return new TreeMap<>(Map.of("self", "127.0.0.1:5701", "silent", "127.0.0.1:5702"));
        }

        @Override
        public String localId() {
            return "self";
        }

        @Override
        public void ask(String question) {
            listeners.forEach(l -> l.accept(question));
        }

        @Override
        public void onQuestion(Consumer<String> listener) {
            listeners.add(listener);
        }

        @Override
        public void answer(String key, String answer) {
            answers.put(key, answer);
        }

        @Override
        public Map<String, String> answers(Set<String> keys) {
            Map<String, String> found = new TreeMap<>();
            keys.forEach(k -> {
                if (answers.containsKey(k)) {
                    found.put(k, answers.get(k));
                }
            });
            return found;
        }
    }

    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.get(method.getName())));
    }

    @Test
    void theSilentMemberIsListedWithItsReasonAndTheOtherAnswersFromItsOwnLog() {
        AuditRecord load = new AuditRecord(3, Instant.parse("2026-12-06T12:00:00Z"), "echo", "load", "/plugins/echo",
                true, null, Map.of("version", "1.0.0"), "a".repeat(64), "b".repeat(64), "audit-1.jsonl");
        List<AuditQuery> asked = new ArrayList<>();
        AuditLog log = (AuditLog) Proxy.newProxyInstance(AuditLog.class.getClassLoader(), new Class<?>[] {AuditLog.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "query" -> {
                        asked.add((AuditQuery) args[0]);
                        yield List.of(load);
                    }
                    case "verify" -> AuditVerification.intact(3, 1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        PluginRegistry registry = fake(PluginRegistry.class, Map.of("list", List.of()));
        try (NodeReports reports = new NodeReports(new TwoMembers(), registry, () -> log, 300, 400)) {
            AuditQuery query = AuditQuery.builder().action("load").limit(5).build();
            List<ClusterReports.NodeAudit> nodes = reports.audit(query);
            assertEquals(List.of(query), asked, "the node asked its own log the same question");
            assertEquals(2, nodes.size());
            ClusterReports.NodeAudit self = nodes.get(0);
            assertEquals("127.0.0.1:5701", self.node());
            assertNull(self.error());
            assertEquals(List.of(load), self.entries());
            assertTrue(self.verification().ok());
            ClusterReports.NodeAudit silent = nodes.get(1);
            assertEquals("127.0.0.1:5702", silent.node());
            assertEquals("did not answer within 400 ms", silent.error());
            assertNull(silent.verification());

            List<ClusterReports.NodeStats> stats = reports.stats();
            assertNull(stats.get(0).error());
            assertEquals(List.of(), stats.get(0).plugins());
            assertEquals("did not answer within 300 ms", stats.get(1).error());
        }
    }

    @Test
    void aNodeWithoutAnAuditLogSaysSo() {
        PluginRegistry registry = fake(PluginRegistry.class, Map.of("list", List.of()));
        TwoMembers channel = new TwoMembers();
        try (NodeReports reports = new NodeReports(channel, registry, () -> null)) {
            channel.ask("{\"id\": \"q1\", \"kind\": \"audit\", \"query\": {\"limit\": 1}}");
            channel.ask("{\"id\": \"q2\", \"kind\": \"weather\"}");
            channel.ask("not json at all");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (channel.answers.size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(channel.answers.get("q1/self").contains("no audit log runs on this node"), channel.answers.toString());
            assertTrue(channel.answers.get("q2/self").contains("asked for weather"), channel.answers.toString());
            assertEquals(2, channel.answers.size(), "an unreadable question gets no answer");
        }
    }
}
