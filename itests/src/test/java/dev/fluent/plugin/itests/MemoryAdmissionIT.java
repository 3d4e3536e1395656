package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Memory admission in the real distribution, with its shipped policy and the heap bin/setenv sets: a plugin
 * whose worst case (max_memory_mb for each of its 8 instances) does not fit the budget of the heap is refused
 * with INSUFFICIENT_MEMORY and audited, one asking more than the shipped cap is refused by the policy, and a
 * plugin already loaded keeps answering.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MemoryAdmissionIT extends PlatformTestSupport {

    /** The distribution's own heap, so the budget here is the one an operator gets by default. */
    @Override
    protected String heap() {
        return DISTRIBUTION_HEAP;
    }

    @After
    public void unloadEcho() {
        if (executeCommand("plugin:list").contains("echo")) {
            executeCommand("plugin:unload echo");
        }
    }

    @Test
    public void aPluginWhoseWorstCaseDoesNotFitTheHeapBudgetIsRefusedAuditedAndTheOthersServe() throws Exception {
        String loaded = executeCommand("plugin:load " + pluginFolder("echo"));
        assertTrue(loaded, loaded.startsWith("Loaded "));

        // 256 MiB, the shipped cap, for each of 8 instances: 2 GiB, more than 70 % of a 2 GiB heap.
        Path greedy = copyOfEcho("greedy-echo", 256);
        String refused = failure("plugin:load " + greedy);
        assertTrue(refused, refused.startsWith("INSUFFICIENT_MEMORY"));
        assertTrue(refused, refused.contains("plugin greedy-echo needs up to 2048."));
        assertTrue(refused, refused.contains("8 instances × 256.0 MiB of memory (max_memory_mb=256)"));
        assertTrue(refused, refused.contains("(70% of a "));
        assertTrue(refused, refused.contains("memory_budget_percent") && refused.contains("JAVA_MAX_MEM"));
        assertFalse(executeCommand("plugin:list").contains("greedy-echo"));

        AuditLog audit = waitForService(AuditLog.class);
        List<AuditRecord> refusals = waitForAudit(audit, "greedy-echo");
        assertEquals("INSUFFICIENT_MEMORY", refusals.get(0).details().get("code"));

        // Above the shipped policy's cap of 256 MiB: refused before any reservation.
        String capped = failure("plugin:load " + copyOfEcho("grasping-echo", 300));
        assertTrue(capped, capped.startsWith("LIMIT_EXCEEDED") && capped.contains("allows at most 256"));

        // The plugin loaded before serves on, and a modest one still fits beside it.
        assertTrue(executeCommand("plugin:execute echo still-here").contains("still-here"));
        String modest = executeCommand("plugin:load " + copyOfEcho("modest-echo", 16));
        assertTrue(modest, modest.startsWith("Loaded "));
        executeCommand("plugin:unload modest-echo");
    }

    /** A copy of the echo example under another name asking {@code memoryMb}, unsigned (development mode). */
    private Path copyOfEcho(String name, int memoryMb) throws Exception {
        Path source = pluginFolder("echo");
        Path folder = Files.createTempDirectory("memory-admission").resolve(name);
        Files.createDirectories(folder);
        Files.copy(source.resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        String json = Files.readString(source.resolve("manifest.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"name\": \"echo\"", "\"name\": \"" + name + "\"")
                .replaceFirst("\"max_memory_mb\": 16", "\"max_memory_mb\": " + memoryMb)
                .replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", "");
        assertTrue(json, json.contains("\"max_memory_mb\": " + memoryMb) && json.contains(name));
        Files.writeString(folder.resolve("manifest.json"), json, StandardCharsets.UTF_8);
        return folder;
    }

    /** Runs a command that must fail; returns the one line it failed with. */
    private String failure(String command) {
        try {
            String out = executeCommand(command);
            fail("'" + command + "' should have failed but printed: " + out);
            return null;
        } catch (AssertionError expected) {
            return String.valueOf(expected.getCause() != null ? expected.getCause().getMessage() : expected.getMessage());
        }
    }

    private static List<AuditRecord> waitForAudit(AuditLog audit, String pluginId) throws InterruptedException {
        AuditQuery query = AuditQuery.builder().pluginId(pluginId).action("load").failedOnly(true).limit(10).build();
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        List<AuditRecord> found = audit.query(query);
        while (found.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                fail("the refused load of " + pluginId + " was not audited within " + DEFAULT_TIMEOUT_MILLIS + " ms");
            }
            Thread.sleep(100);
            found = audit.query(query);
        }
        return found;
    }
}
