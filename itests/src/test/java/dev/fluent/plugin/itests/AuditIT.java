package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.console.Command;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The audit log in the real distribution: a plugin's load, execution, refused load and unload come back
 * through {@code plugin:audit} and EventAdmin; {@code plugin:audit --verify} passes, and reports the break
 * once a line of the file in the container's data folder is edited; a flood through real plugins leaves at
 * most the volume cap (set low here) and a summary that accounts for the rest; an acknowledgement of what is
 * no gap is refused and audited. The methods run in name order: {@code b_} breaks the chain.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class AuditIT extends PlatformTestSupport {

    /** The container's volume cap: successful routine entries per plugin per minute. */
    private static final int CAP = 50;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        Option[] options = super.config();
        Option[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = editConfigurationFilePut("etc/dev.fluent.plugin.audit.cfg", "volumeCapPerMinute",
                Integer.toString(CAP));
        return all;
    }

    @Test
    public void a0_theRuntimesSelfTestPassedAtStartAndIsAudited() throws Exception {
        AuditLog audit = waitForService(AuditLog.class);
        AuditQuery selfTests = AuditQuery.builder().action("self-test").build();
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        List<AuditRecord> records = audit.query(selfTests);
        while (records.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            records = audit.query(selfTests);
        }
        assertEquals(records.toString(), 1, records.size());
        assertTrue(records.toString(), records.get(0).success());
        assertNotNull(records.get(0).details().get("duration_ms"));
    }

    @Test
    public void a_auditsALifecycleAndShowsItInPluginAudit() throws Exception {
        AuditLog audit = waitForService(AuditLog.class);
        waitForCommands("load", "execute", "unload", "audit");
        Set<String> topics = ConcurrentHashMap.newKeySet();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, "dev/fluent/plugin/audit/*");
        ServiceRegistration<EventHandler> handler = bundleContext.registerService(EventHandler.class,
                event -> {
                    if ("echo".equals(event.getProperty("plugin_id"))) {
                        topics.add(event.getTopic());
                    }
                }, props);
        try {
            assertTrue(executeCommand("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));
            assertEquals("audited", executeCommand("plugin:execute echo audited").trim());
            String refused = failure("plugin:load " + tamperedCopyOfEcho());
            assertTrue(refused, refused.startsWith("CHECKSUM_MISMATCH"));
            assertTrue(executeCommand("plugin:unload echo").contains("Unloaded echo"));

            List<AuditRecord> records = audit.query(AuditQuery.forPlugin("echo"));
            // The first accepted load binds echo to its signer: an owner entry right after it.
            assertEquals("newest first", List.of("unload", "load", "execute", "owner", "load"),
                    records.stream().map(AuditRecord::action).collect(Collectors.toList()));
            assertFalse(records.get(1).success());
            assertEquals("CHECKSUM_MISMATCH", records.get(1).details().get("code"));
            assertTrue(records.get(2).success());

            String table = executeCommand("plugin:audit echo");
            List<String> rows = rows(table, "echo");
            assertEquals(table, 5, rows.size());
            assertTrue(table, rows.get(0).contains("unload") && rows.get(0).contains("ok"));
            assertTrue(table, rows.get(1).contains("load") && rows.get(1).contains("FAILED")
                    && rows.get(1).contains("CHECKSUM_MISMATCH"));
            assertTrue(table, rows.get(2).contains("execute") && rows.get(2).contains("duration_us="));
            assertTrue(table, rows.get(3).contains("owner") && rows.get(3).contains("change=bound"));
            assertTrue(table, rows.get(4).contains("load") && rows.get(4).contains("ok"));

            String failedLoads = executeCommand("plugin:audit --action load --failed --since 1h echo");
            assertEquals(failedLoads, 1, rows(failedLoads, "echo").size());
            assertTrue(failedLoads, failedLoads.contains("CHECKSUM_MISMATCH"));
            assertEquals(1, rows(executeCommand("plugin:audit --limit 1"), "unload").size());
            assertTrue(executeCommand("plugin:audit nosuchplugin").contains("No audit entries match"));

            long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
            Set<String> expected = Set.of("dev/fluent/plugin/audit/LOAD", "dev/fluent/plugin/audit/EXECUTE",
                    "dev/fluent/plugin/audit/UNLOAD", "dev/fluent/plugin/audit/OWNER");
            while (!topics.containsAll(expected) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("posted to EventAdmin", expected, topics);
        } finally {
            handler.unregister();
        }
    }

    @Test
    public void b_verifyPassesThenReportsALineEditedOnDisk() throws Exception {
        waitForService(AuditLog.class);
        waitForCommands("audit");
        String ok = executeCommand("plugin:audit --verify");
        assertTrue(ok, ok.startsWith("Audit chain OK: ") && ok.contains(" entries in 1 file"));

        Path file = newestAuditFile();
        long seq = editFirstExecuteLine(file);

        String broken = failure("plugin:audit --verify");
        assertTrue(broken, broken.startsWith("AUDIT_CHAIN_BROKEN: " + file.getFileName()));
        assertTrue(broken, broken.contains("(seq " + seq + ")") && broken.contains("the line was edited"));
    }

    @Test
    public void c_aFloodThroughRealPluginsLeavesTheCapAndASummaryThatAccountsForEveryEntry() throws Exception {
        AuditLog audit = waitForService(AuditLog.class);
        PluginRegistry registry = waitForService(PluginRegistry.class);
        waitForCommands("audit", "execute");
        registry.load(copyOfEcho("flood-echo", 120));
        registry.load(pluginFolder("file-summary"));
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 300; i++) {
            try {
                registry.execute("flood-echo", EngineRequest.of("x" + i));
                ok++;
            } catch (PluginException e) {
                assertEquals(e.toString(), ErrorCode.RATE_LIMITED, e.code());
                limited++;
            }
        }
        int denied = 20;
        for (int i = 0; i < denied; i++) {
            PluginException e = assertThrows(PluginException.class,
                    () -> registry.execute("file-summary", EngineRequest.of("/etc/passwd")));
            assertEquals(e.toString(), ErrorCode.ACCESS_DENIED, e.code());
        }
        assertTrue("the flood passed the cap and the rate limit: " + ok + " ok, " + limited + " limited",
                ok > CAP && limited > 0);
        // An unload ends the plugin's window at once: its summary is written before the unload entry.
        registry.unload("flood-echo");
        registry.unload("file-summary");

        List<AuditRecord> echo = audit.query(AuditQuery.builder().pluginId("flood-echo").limit(10_000).build());
        assertEquals("the cap", CAP, count(echo, "execute", true));
        assertEquals("the first RATE_LIMITED only", 1, count(echo, "execute", false));
        assertEquals(List.of("unload", "audit_suppressed"), List.of(echo.get(0).action(), echo.get(1).action()));
        AuditRecord echoSummary = echo.get(1);
        assertFalse("it counts repeated failures", echoSummary.success());
        assertEquals(Integer.toString(ok - CAP), echoSummary.details().get("suppressed.execute"));
        assertEquals(Integer.toString(limited - 1), echoSummary.details().get("repeated.execute.RATE_LIMITED"));
        assertEquals("the 300 executions: each written or counted", 300, count(echo, "execute", true)
                + count(echo, "execute", false) + Integer.parseInt(echoSummary.details().get("suppressed_total"))
                + Integer.parseInt(echoSummary.details().get("repeated_total")));
        assertEquals("a load and an unload are never held back", List.of(1L, 1L),
                List.of(count(echo, "load", true), count(echo, "unload", true)));

        List<AuditRecord> files = audit.query(AuditQuery.builder().pluginId("file-summary").limit(10_000).build());
        assertEquals(1, count(files, "execute", false));
        assertEquals(1, count(files, "fs_read", false));
        assertEquals("ACCESS_DENIED", files.stream().filter(r -> r.action().equals("fs_read")).findFirst()
                .orElseThrow().details().get("code"));
        AuditRecord filesSummary = files.get(1);
        assertEquals("audit_suppressed", filesSummary.action());
        assertEquals(Integer.toString(denied - 1), filesSummary.details().get("repeated.execute.ACCESS_DENIED"));
        assertEquals(Integer.toString(denied - 1), filesSummary.details().get("repeated.fs_read.ACCESS_DENIED"));

        String summaries = executeCommand("plugin:audit --action audit_suppressed --failed");
        assertEquals(summaries, 1, rows(summaries, "flood-echo").size());
        assertEquals(summaries, 1, rows(summaries, "file-summary").size());

        // The container still serves.
        assertTrue(executeCommand("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));
        assertEquals("serving", executeCommand("plugin:execute echo serving").trim());
        executeCommand("plugin:unload echo");
    }

    @Test
    public void d_anAcknowledgementOfWhatIsNoGapIsRefusedAndAuditedWithTheOperator() throws Exception {
        AuditLog audit = waitForService(AuditLog.class);
        waitForCommands("audit");
        String refused = failure("plugin:audit --acknowledge 1 --reason testing");
        assertTrue(refused, refused.startsWith("BAD_REQUEST: no audit_recovery entry with seq 1"));
        List<AuditRecord> refusals = audit.query(AuditQuery.builder().action("audit_acknowledge").failedOnly(true)
                .build());
        assertEquals(refusals.toString(), 1, refusals.size());
        assertEquals("karaf", refusals.get(0).details().get("operator"));
        assertEquals("1", refusals.get(0).resource());
    }

    private static long count(List<AuditRecord> records, String action, boolean success) {
        return records.stream().filter(r -> r.action().equals(action) && r.success() == success).count();
    }

    /** An unsigned copy of echo under another name, with another rate limit (development mode loads it). */
    private Path copyOfEcho(String name, int perMinute) throws IOException {
        Path folder = Files.createTempDirectory("audit-it").resolve(name);
        Files.createDirectories(folder);
        Files.copy(pluginFolder("echo").resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        String manifest = Files.readString(pluginFolder("echo").resolve("manifest.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"name\": \"[^\"]*\"", "\"name\": \"" + name + "\"")
                .replaceFirst("\"rate_limit_requests_per_minute\": \\d+", "\"rate_limit_requests_per_minute\": " + perMinute)
                .replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", "");
        Files.writeString(folder.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        return folder;
    }

    /** Waits until the shell offers these {@code plugin:*} commands (they appear once their services are up). */
    private void waitForCommands(String... names) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            Set<String> present = sessionFactory.getRegistry().getCommands().stream()
                    .filter(c -> "plugin".equals(c.getScope()))
                    .map(Command::getName)
                    .collect(Collectors.toSet());
            if (present.containsAll(Arrays.asList(names))) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("plugin commands " + Arrays.toString(names) + " not all there: " + present);
            }
            Thread.sleep(100);
        }
    }

    /** A copy of echo whose module no longer matches the manifest's checksum. */
    private Path tamperedCopyOfEcho() throws IOException {
        Path copy = Files.createTempDirectory("tampered-echo");
        Files.copy(pluginFolder("echo").resolve("manifest.json"), copy.resolve("manifest.json"));
        byte[] wasm = Files.readAllBytes(pluginFolder("echo").resolve("plugin.wasm"));
        byte[] changed = Arrays.copyOf(wasm, wasm.length + 1);
        Files.write(copy.resolve("plugin.wasm"), changed);
        return copy;
    }

    private static Path newestAuditFile() throws IOException {
        Path dir = Paths.get(System.getProperty("karaf.data"), "audit");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("audit-\\d+\\.jsonl"))
                    .max(Path::compareTo)
                    .orElseThrow(() -> new AssertionError("no audit file in " + dir));
        }
    }

    /** Changes one byte of the first execute entry in place (same length, as a tamperer would); returns its seq. */
    private static long editFirstExecuteLine(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"action\":\"execute\"");
        assertTrue("an execute entry in " + file, at > 0);
        int lineStart = text.lastIndexOf('\n', at) + 1;
        String seqText = text.substring(lineStart + "{\"seq\":".length(), text.indexOf(',', lineStart));
        int target = text.indexOf("\"success\":true", at) + "\"success\":".length();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(target);
            raf.write('T');
        }
        return Long.parseLong(seqText);
    }

    /** The table rows that mention {@code word} as a column. */
    private static List<String> rows(String table, String word) {
        return Arrays.stream(table.split("\\R"))
                .filter(line -> Arrays.stream(line.split("\\|")).map(String::trim).anyMatch(word::equals))
                .collect(Collectors.toList());
    }

    /** Runs a command that must fail; returns the one line it failed with. */
    private String failure(String command) {
        try {
            String out = executeCommand(command);
            fail("'" + command + "' should have failed but printed: " + out);
            return null;
        } catch (AssertionError expected) {
            assertNotNull(expected.getMessage());
            return String.valueOf(expected.getCause() != null ? expected.getCause().getMessage() : expected.getMessage());
        }
    }
}
