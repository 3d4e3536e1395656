package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The per-execution overhead of the platform over a raw Chicory call, echo with a 100-byte payload, the
 * variants alternating in one JVM: rounds of {@code CALLS} calls each of
 * <ul>
 *   <li>{@code raw}: the bare compiled instance on the platform's memory, never reset (as
 *       {@code ExecutionOverheadBenchmark.rawOnPluginMemory});</li>
 *   <li>{@code rawReset}: the same with the memory reset after each call, the share of the overhead that
 *       is the isolation between requests (the restore of the written chunks, the first write of each chunk
 *       recorded again, and whatever the guest sets up again in a fresh memory);</li>
 *   <li>{@code platform}: {@code PluginRuntime.execute}, no audit sink.</li>
 * </ul>
 * The order rotates each round. Each phase is timed in the calling thread's CPU time: on a machine shared
 * with other work the time spent waiting for a core is no variant's. Every variant runs the same compiled
 * code on the same memory class. Prints one JSON line per round (nanoseconds per call) and a summary: the
 * median of each variant and the median of each round's own difference platform - raw.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.benchmarks.runtime.OverheadTimer [rounds] [warm-up rounds]</pre>
 */
public final class OverheadTimer {

    private static final int CALLS = 100_000;
    private static final String[] VARIANTS = {"raw", "rawReset", "platform"};

    private OverheadTimer() {
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        PluginRuntime runtime = LifecycleFixtures.developmentRuntime(null);
        CompileCache.Compiled echo = LifecycleFixtures.loadUnsigned(runtime, "echo", "echo");
        EngineRequest request = EngineRequest.of(LifecycleFixtures.PAYLOAD_100);
        byte[] rawRequest = LifecycleFixtures.requestBytes("echo", LifecycleFixtures.PAYLOAD_100);
        LifecycleFixtures.RawPlugin raw = LifecycleFixtures.raw(echo.module(), echo.machineFactory(), true);
        LifecycleFixtures.RawPlugin reset = LifecycleFixtures.raw(echo.module(), echo.machineFactory(), true);
        PluginMemory resetMemory = (PluginMemory) reset.memory;
        resetMemory.snapshot();
        Call[] calls = {() -> raw.call(rawRequest), () -> {
            byte[] frame = reset.call(rawRequest);
            resetMemory.reset();
            return frame;
        }, () -> runtime.execute("echo", request)};
        for (Call c : calls) {
            check(c.call());
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] nanos = new double[VARIANTS.length][rounds];
        for (int r = -warmUp; r < rounds; r++) {
            for (int k = 0; k < VARIANTS.length; k++) {
                int v = (k + Math.max(r, 0)) % VARIANTS.length;
                long cpu = threads.getCurrentThreadCpuTime();
                Object last = null;
                for (int i = 0; i < CALLS; i++) {
                    last = calls[v].call();
                }
                double perCall = (threads.getCurrentThreadCpuTime() - cpu) / (double) CALLS;
                check(last);
                if (r >= 0) {
                    nanos[v][r] = perCall;
                }
            }
            if (r >= 0) {
                System.out.println(String.format(Locale.ROOT, "{\"round\":%d,\"raw\":%.0f,\"rawReset\":%.0f,\"platform\":%.0f}",
                        r, nanos[0][r], nanos[1][r], nanos[2][r]));
            }
        }
        double[] overhead = new double[rounds];
        double[] isolation = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            overhead[r] = nanos[2][r] - nanos[0][r];
            isolation[r] = nanos[1][r] - nanos[0][r];
        }
        System.out.println(String.format(Locale.ROOT, "{\"summary\":true,\"rounds\":%d,\"raw\":%.0f,\"rawReset\":%.0f,"
                + "\"platform\":%.0f,\"overhead_per_round\":%.0f,\"reset_share_per_round\":%.0f}", rounds,
                median(nanos[0]), median(nanos[1]), median(nanos[2]), median(overhead), median(isolation)));
        runtime.deactivate();
    }

    /** Every variant must have echoed, or its figure means nothing. */
    private static void check(Object answer) {
        String text = answer instanceof byte[] frame ? new String(frame, java.nio.charset.StandardCharsets.UTF_8)
                : ((dev.fluent.plugin.api.EngineResponse) answer).content();
        if (!text.contains(LifecycleFixtures.PAYLOAD_100)) {
            throw new IllegalStateException("echo did not echo: " + text);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
