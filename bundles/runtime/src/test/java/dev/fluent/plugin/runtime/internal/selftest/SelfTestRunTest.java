package dev.fluent.plugin.runtime.internal.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SelfTestRunTest {

    @Test
    void fnvMatchesThePublishedVectorsTheRustTestsUseToo() {
        assertEquals(0xcbf29ce484222325L, SelfTestRun.fnv1a64(new byte[0]));
        assertEquals(0xaf63dc4c8601ec8cL, SelfTestRun.fnv1a64("a".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0x85944171f73967e8L, SelfTestRun.fnv1a64("foobar".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theEmbeddedPluginGivesTheAnswersJavaComputes() {
        try (Watchdog watchdog = new Watchdog()) {
            SelfTestRun.Outcome outcome = SelfTestRun.run(new JsonManifestParser(), watchdog);
            assertTrue(outcome.passed(), outcome::detail);
            assertEquals(0, watchdog.armedCount(), "no deadline left armed");
        }
    }

    @Test
    void failsOnAPluginThatGivesOtherAnswersOrIsBroken() throws Exception {
        JsonManifestParser parser = new JsonManifestParser();
        byte[] echoManifest = java.nio.file.Files.readAllBytes(Fixtures.echo().resolve("manifest.json"));
        byte[] echoWasm = java.nio.file.Files.readAllBytes(Fixtures.echo().resolve("plugin.wasm"));
        try (Watchdog watchdog = new Watchdog()) {
            SelfTestRun.Outcome echo = SelfTestRun.run(parser, watchdog, echoManifest, echoWasm);
            assertTrue(!echo.passed() && echo.detail().contains("wrong answer"), echo::detail);

            byte[] truncated = java.util.Arrays.copyOf(echoWasm, echoWasm.length / 2);
            SelfTestRun.Outcome broken = SelfTestRun.run(parser, watchdog, echoManifest, truncated);
            assertTrue(!broken.passed() && broken.detail().contains("CHECKSUM_MISMATCH"), broken::detail);
            assertEquals(0, watchdog.armedCount());
        }
    }

    @Test
    void theServiceRunsItOnceAndAuditsTheOutcome() throws Exception {
        SelfTestService service = new SelfTestService(null, new JsonManifestParser());
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        service.addAuditSink(audit::add);
        try {
            SelfTestRun.Outcome outcome = service.start().get(60, TimeUnit.SECONDS);
            assertTrue(outcome.passed(), outcome::detail);
            assertTrue(service.start().isDone(), "a second start returns the first run");
            assertEquals(1, audit.stream().filter(e -> e.action().equals("self-test") && e.success()).count(), audit::toString);
        } finally {
            service.deactivate();
        }
    }
}
