package dev.fluent.plugin.audit.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.read.QueryRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 300 entries over several files: p0, p1, p2 in turn, every fifth one failed, one second apart. */
public class QueryTest {

    @TempDir
    public Path dir;

    @BeforeEach
    public void writeLog() throws IOException {
        AuditSettings settings = Logs.settings(dir).withMaxFileBytes(8192);
        try (AuditWriter writer = Logs.open(settings)) {
            for (int i = 1; i <= 300; i++) {
                writer.record(Logs.execute("p" + (i % 3), i, i % 5 != 0));
            }
            writer.record(new AuditEvent(Logs.T0.plusSeconds(301), "p1", "unload", "/plugins/p1", true, null, Map.of()));
        }
        assertTrue(new LogDirectory(dir).list().size() > 3, "the query has rotated files to cross");
    }

    private List<AuditRecord> query(AuditQuery q) throws IOException {
        return QueryRunner.query(new LogDirectory(dir), null, q);
    }

    @Test
    public void returnsTheNewestFirstUpToTheLimit() throws IOException {
        List<AuditRecord> r = query(AuditQuery.latest(5));
        assertEquals(List.of(301L, 300L, 299L, 298L, 297L), seqs(r));
        assertEquals("unload", r.get(0).action());
        assertEquals(LogDirectory.fileName(new LogDirectory(dir).list().size()), r.get(0).file());
    }

    @Test
    public void filtersByPluginAcrossFiles() throws IOException {
        List<AuditRecord> r = query(AuditQuery.builder().pluginId("p1").limit(1000).build());
        assertEquals(101, r.size());
        assertTrue(r.stream().allMatch(e -> e.pluginId().equals("p1")));
        assertDescending(r);
    }

    @Test
    public void filtersByAction() throws IOException {
        List<AuditRecord> r = query(AuditQuery.builder().action("unload").build());
        assertEquals(1, r.size());
        assertEquals("/plugins/p1", r.get(0).resource());
    }

    @Test
    public void filtersFailures() throws IOException {
        List<AuditRecord> r = query(AuditQuery.builder().failedOnly(true).limit(1000).build());
        assertEquals(60, r.size());
        assertTrue(r.stream().noneMatch(AuditRecord::success));
        assertTrue(r.get(0).error().startsWith("TIMEOUT:"));
        assertEquals("400", r.get(0).details().get("duration_us"));
    }

    @Test
    public void filtersByTimeRangeWithSinceInclusiveAndUntilExclusive() throws IOException {
        List<AuditRecord> r = query(AuditQuery.builder()
                .since(Logs.T0.plusSeconds(10)).until(Logs.T0.plusSeconds(20)).limit(1000).build());
        assertEquals(List.of(19L, 18L, 17L, 16L, 15L, 14L, 13L, 12L, 11L, 10L), seqs(r));
    }

    @Test
    public void combinesFiltersAndLimit() throws IOException {
        List<AuditRecord> r = query(AuditQuery.builder().pluginId("p0").failedOnly(true)
                .since(Logs.T0.plusSeconds(100)).limit(3).build());
        // p0 failed: seq divisible by 15
        assertEquals(List.of(300L, 285L, 270L), seqs(r));
    }

    @Test
    public void matchesAnIdExactlyNotAsAPrefix() throws IOException {
        assertEquals(List.of(), query(AuditQuery.builder().pluginId("p").build()));
        assertFalse(query(AuditQuery.forPlugin("p2")).isEmpty());
    }

    @Test
    public void recordsCarryTheChainFields() throws IOException {
        List<AuditRecord> r = query(AuditQuery.latest(2));
        assertEquals(r.get(1).hash(), r.get(0).prevHash());
        assertEquals(64, r.get(0).hash().length());
    }

    private static List<Long> seqs(List<AuditRecord> r) {
        return r.stream().map(AuditRecord::seq).collect(Collectors.toList());
    }

    private static void assertDescending(List<AuditRecord> r) {
        for (int i = 1; i < r.size(); i++) {
            assertTrue(r.get(i - 1).seq() > r.get(i).seq());
        }
    }
}
