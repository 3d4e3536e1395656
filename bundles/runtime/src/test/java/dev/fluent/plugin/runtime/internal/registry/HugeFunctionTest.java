package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module with one function too large for a JVM method (src/test/resources/huge-function, made by its
 * generate.sh): it loads, the function runs in the interpreter inside the compiled module and answers right,
 * and the same function looping forever ends with TIMEOUT at the deadline.
 */
class HugeFunctionTest {

    private static final int DEADLINE_MS = 400;

    private PluginRuntime runtime;
    private Path plugin;

    @BeforeEach
    void load(@TempDir Path dir) throws Exception {
        plugin = Fixtures.copy(resource(), dir.resolve("huge-function"));
        Fixtures.editManifest(plugin, m -> ((ObjectNode) m.get("permissions"))
                .put("max_execution_time_ms", DEADLINE_MS));
        runtime = Fixtures.developmentRuntime(null);
        runtime.load(plugin, false);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    private static Path resource() throws URISyntaxException {
        return Path.of(HugeFunctionTest.class.getResource("/huge-function/plugin.wasm").toURI()).getParent();
    }

    /** What the huge function computes from 7: 12,000 steps of acc * 31 + k, as an unsigned 32-bit number. */
    private static String expected() {
        int acc = 7;
        for (int k = 1; k <= 12_000; k++) {
            acc = acc * 31 + k;
        }
        return Integer.toUnsignedString(acc);
    }

    @Test
    void runsTheFunctionTooLargeToCompileInTheInterpreterAndSaysSo() throws Exception {
        assertEquals(1, runtime.find("huge-function").orElseThrow().interpretedFunctions());
        for (int i = 0; i < 3; i++) {
            assertEquals(expected(), runtime.execute("huge-function", EngineRequest.of("hello")).content());
        }
    }

    @Test
    void endsALoopingInterpretedFunctionAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        // Preemptive: were the guard missing, the interpreted loop would never end.
        PluginException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                PluginException.class, () -> runtime.execute("huge-function", EngineRequest.of("LOOP"))));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
        // A few ms past the deadline on a quiet machine; the margin absorbs a build machine's scheduling delays.
        assertTrue(elapsedMs >= DEADLINE_MS && elapsedMs < DEADLINE_MS + 1_000, "ended after " + elapsedMs + " ms");
        // The instance that looped is gone; the next execution answers.
        assertEquals(expected(), runtime.execute("huge-function", EngineRequest.of("hello")).content());
    }
}
