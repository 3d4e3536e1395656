package dev.fluent.plugin.benchmarks.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The module with one function too large for a JVM method ({@code bundles/runtime/src/test/resources/
 * huge-function}): how long its interpreted function takes to answer, and how long after the deadline a
 * call that loops in it ends with TIMEOUT. Alternates the two, ROUNDS times, in one registry.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.benchmarks.runtime.HugeFunctionTimer [ROUNDS] [DEADLINE_MS]</pre>
 */
public final class HugeFunctionTimer {

    private HugeFunctionTimer() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int deadline = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        Path source = LifecycleFixtures.examples().getParent().resolve("bundles/runtime/src/test/resources/huge-function");
        Path copy = LifecycleFixtures.unsignedCopy(source, LifecycleFixtures.tempDir("fluent-huge-").resolve("huge"),
                "huge-function");
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(copy.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("permissions")).put("max_execution_time_ms", deadline);
        json.writeValue(copy.resolve("manifest.json").toFile(), manifest);

        PluginRuntime runtime = LifecycleFixtures.developmentRuntime(null);
        try {
            runtime.load(copy, false);
            System.out.println("interpreted functions: " + runtime.find("huge-function").orElseThrow()
                    .interpretedFunctions());
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                String answer = runtime.execute("huge-function", EngineRequest.of("x")).content();
                double answerMs = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                ErrorCode code = null;
                try {
                    runtime.execute("huge-function", EngineRequest.of("LOOP"));
                } catch (PluginException e) {
                    code = e.code();
                }
                double loopMs = (System.nanoTime() - start) / 1e6;
                System.out.println(String.format(Locale.ROOT,
                        "round %d: answer %s in %.1f ms; looping call: %s after %.1f ms, %.1f ms past the deadline",
                        round, answer, answerMs, code, loopMs, loopMs - deadline));
            }
        } finally {
            runtime.deactivate();
        }
    }
}
