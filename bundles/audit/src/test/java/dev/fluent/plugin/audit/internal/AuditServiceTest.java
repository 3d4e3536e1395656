package dev.fluent.plugin.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.write.Logs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

public class AuditServiceTest {

    @TempDir
    public Path dir;

    @Test
    public void aQueryRightAfterRecordingSeesTheEntry() throws Exception {
        AuditService service = new AuditService(Logs.settings(dir), Clock.systemUTC());
        try {
            service.record(new AuditEvent(Instant.now(), "echo", "load", "/plugins/echo", true, null, Map.of("version", "1.0.0")));
            List<AuditRecord> r = service.query(AuditQuery.forPlugin("echo"));
            assertEquals(1, r.size());
            assertEquals("load", r.get(0).action());
            assertEquals("1.0.0", r.get(0).details().get("version"));
            assertEquals(EntryCodec.GENESIS, r.get(0).prevHash());
            assertTrue(service.verify().ok());
        } finally {
            service.deactivate();
        }
    }

    @Test
    public void manyThreadsRecordingAtOnceYieldOneUnbrokenChain() throws Exception {
        AuditService service = new AuditService(Logs.settings(dir).withMaxFileBytes(256 * 1024), Clock.systemUTC());
        int threads = 4;
        int each = 5000;
        try {
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                String plugin = "t" + t;
                workers[t] = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        service.record(Logs.execute(plugin, i, i % 7 != 0));
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            AuditVerification v = service.verify();
            assertTrue(v.ok(), () -> String.valueOf(v.firstBreak()));
            assertEquals(threads * each, v.entriesChecked());
            assertTrue(v.filesChecked() > 1);
            assertEquals(each, service.query(AuditQuery.builder().pluginId("t2").limit(100_000).build()).size());
            assertEquals(threads * each, service.status().lastSeq());
            assertEquals(0, service.status().dropped());
        } finally {
            service.deactivate();
        }
    }

    @Test
    public void postsEveryEntryToEventAdminOnItsActionTopic() throws Exception {
        List<Event> posted = new CopyOnWriteArrayList<>();
        AuditService service = new AuditService(Logs.settings(dir), Clock.systemUTC());
        service.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("audit events are posted, not sent");
            }
        };
        try {
            service.record(Logs.execute("echo", 1, true));
            service.record(new AuditEvent(Instant.now(), "echo", "unload", null, true, null, Map.of()));
            List<AuditRecord> written = service.query(AuditQuery.latest(10));
            assertEquals(2, posted.size());
            Event execute = posted.get(0);
            assertEquals("dev/fluent/plugin/audit/EXECUTE", execute.getTopic());
            assertEquals(1L, execute.getProperty("seq"));
            assertEquals("echo", execute.getProperty("plugin_id"));
            assertEquals(Boolean.TRUE, execute.getProperty("success"));
            assertEquals(written.get(1).hash(), execute.getProperty("hash"));
            assertEquals(Logs.T0.plusSeconds(1).toEpochMilli(), execute.getProperty("timestamp"));
            assertEquals("dev/fluent/plugin/audit/UNLOAD", posted.get(1).getTopic());
            assertEquals(false, posted.get(1).containsProperty("resource"));
        } finally {
            service.deactivate();
        }
    }

    @Test
    public void topicsAreSafeForAnyActionName() {
        assertEquals("dev/fluent/plugin/audit/AUDIT_RECOVERY", topicOf(AuditActions.AUDIT_RECOVERY));
        assertEquals("dev/fluent/plugin/audit/SELF-TEST", topicOf(AuditActions.SELF_TEST));
        assertEquals("dev/fluent/plugin/audit/HTTP_REQUEST", topicOf(AuditActions.HTTP_REQUEST));
        assertEquals("dev/fluent/plugin/audit/NET_REQUEST_", topicOf("net.request/"));
        assertEquals("dev/fluent/plugin/audit/UNKNOWN", topicOf(""));
    }

    private static String topicOf(String action) {
        Event event = AuditEvents.toEvent(new AuditRecord(1, Instant.EPOCH, "p", action, null, true, null, Map.of(),
                EntryCodec.GENESIS, EntryCodec.GENESIS, "audit-00000001.jsonl"));
        assertEquals(action, event.getProperty("action"));
        return event.getTopic();
    }
}
