package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginStats;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The security test's findings from running the plugin in a sandbox with probe requests: crashes, timeouts,
 * memory against its limit, refused host calls, answers that change for the same request.
 */
final class DynamicProbes {

    /** Executions of the same request in a row. */
    static final int IN_A_ROW = 25;
    /** Size of the huge payload. */
    static final int HUGE_BYTES = 1024 * 1024;
    /** Memory high-water above this share of max_memory_mb is flagged. */
    static final double MEMORY_WARNING_SHARE = 0.8;
    /** A limit more than this many times the high-water is flagged as generous. */
    static final int MEMORY_GENEROUS_FACTOR = 8;

    /** Outcomes that mean the plugin broke, not that it refused the input. */
    private static final Set<ErrorCode> CRASHES = EnumSet.of(ErrorCode.TRAP, ErrorCode.STACK_EXHAUSTED,
            ErrorCode.BAD_RESPONSE, ErrorCode.BAD_HOST_CALL, ErrorCode.INTERNAL);

    private int probes;

    int probes() {
        return probes;
    }

    /** The probe requests by name, in the order they run. Fixed seed: the same bytes every run. */
    static Map<String, String> probeRequests() {
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("a plain payload", "hello world");
        requests.put("an empty payload", "");
        requests.put("malformed JSON", "{\"messages\": [{\"role\": \"user\", \"content\": \"unterminated");
        Random random = new Random(7);
        StringBuilder noise = new StringBuilder();
        for (int i = 0; i < 4096; i++) {
            noise.append((char) random.nextInt(0xD800)); // any code point below the surrogates, controls too
        }
        requests.put("random bytes", noise.toString());
        requests.put("a huge payload (1 MiB)", "x".repeat(HUGE_BYTES));
        return requests;
    }

    List<Finding> run(Sandbox sandbox) {
        List<Finding> findings = new ArrayList<>();
        Set<String> reported = new java.util.HashSet<>();
        long limitMs = sandbox.info().manifest().permissions().maxExecutionTimeMs();
        for (Map.Entry<String, String> probe : probeRequests().entrySet()) {
            Outcome first = execute(sandbox, probe.getValue());
            if (judge(first, probe.getKey(), findings, reported, limitMs)) {
                return finish(sandbox, findings); // timed out: further probes would only wait again
            }
            if (first.response != null) {
                Outcome second = execute(sandbox, probe.getValue());
                if (second.response != null && !same(first.response, second.response)
                        && reported.add("NONDETERMINISTIC")) {
                    findings.add(new Finding(Severity.LOW, "NONDETERMINISTIC", "two executions of " + probe.getKey()
                            + " answered differently", "make the answer depend on the request only (state kept"
                            + " between requests, clocks and random numbers change it); fine if intended"));
                }
            }
        }
        for (int i = 0; i < IN_A_ROW; i++) {
            Outcome o = execute(sandbox, "request " + (i % 3));
            if (judge(o, IN_A_ROW + " requests in a row", findings, reported, limitMs)) {
                break;
            }
        }
        return finish(sandbox, findings);
    }

    private List<Finding> finish(Sandbox sandbox, List<Finding> findings) {
        PluginStats stats = sandbox.stats();
        long limit = (long) sandbox.info().manifest().permissions().maxMemoryMb() * 1024 * 1024;
        long high = stats.memoryHighWaterBytes();
        if (high > limit * MEMORY_WARNING_SHARE && findings.stream().noneMatch(f -> f.code().equals("MEMORY_LIMIT"))) {
            findings.add(new Finding(Severity.MEDIUM, "MEMORY_HIGH_WATER", String.format(
                    "memory reached %.1f MiB of the %d MiB max_memory_mb", high / 1048576.0, limit >> 20),
                    "raise max_memory_mb, or use less memory on large requests"));
        } else if (high > 0 && high * MEMORY_GENEROUS_FACTOR < limit) {
            findings.add(new Finding(Severity.LOW, "MEMORY_LIMIT_GENEROUS", String.format(
                    "memory peaked at %.1f MiB, far below max_memory_mb=%d", high / 1048576.0, limit >> 20),
                    "lower max_memory_mb closer to the peak (with room for larger requests)"));
        }
        List<String> refused = sandbox.refusedHostCalls();
        if (!refused.isEmpty()) {
            findings.add(new Finding(Severity.MEDIUM, "DENIED_CAPABILITY", refused.size()
                    + " host call(s) refused while probing: " + String.join("; ", refused.subList(0,
                    Math.min(5, refused.size()))), "ask only for what the manifest grants; a refused call is"
                    + " audited on the platform"));
        }
        return findings;
    }

    /** Adds the finding an outcome calls for; {@code true} when probing should stop. */
    private boolean judge(Outcome o, String probe, List<Finding> findings, Set<String> reported, long limitMs) {
        if (o.failure == null) {
            return false;
        }
        ErrorCode code = o.failure.code();
        if (code == ErrorCode.TIMEOUT) {
            findings.add(new Finding(Severity.HIGH, "TIMEOUT", "timed out after " + limitMs + " ms on " + probe,
                    "look for a loop that never ends, or raise max_execution_time_ms if the work is legitimate"));
            return true;
        }
        if (code == ErrorCode.MEMORY_LIMIT && reported.add("MEMORY_LIMIT")) {
            findings.add(new Finding(Severity.HIGH, "MEMORY_LIMIT", "ran out of memory on " + probe + ": "
                    + o.failure.getMessage(), "bound what the plugin keeps per request, or raise max_memory_mb"));
        } else if (CRASHES.contains(code) && reported.add("CRASH " + probe)) {
            findings.add(new Finding(Severity.HIGH, code.name(), "crashed on " + probe + ": " + o.failure.getMessage(),
                    "handle that input: return a PluginError (the PDK does for undecodable requests) instead"));
        }
        return false;
    }

    private static boolean same(EngineResponse a, EngineResponse b) {
        return a.content().equals(b.content()) && a.usage().equals(b.usage());
    }

    private Outcome execute(Sandbox sandbox, String payload) {
        probes++;
        try {
            return new Outcome(sandbox.execute(new EngineRequest("security-test", payload)), null);
        } catch (PluginException e) {
            return new Outcome(null, e);
        }
    }

    private record Outcome(EngineResponse response, PluginException failure) {
    }
}
