package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Echo throughput with one and two callers, the platform and raw Chicory side by side in one JVM: rounds
 * of 2-second phases (platform ×1, platform ×2, raw ×1, raw ×2, in an order that rotates each round) on
 * the same two threads, so every ratio compares figures taken minutes apart at most, with the same JIT
 * output. JMH measures each configuration in a fork of its own; on a 2-vCPU machine the drift between
 * forks is as large as the effect, which this removes. Prints one JSON line per phase, then a summary line:
 * the medians over the rounds, their ratios, and the median of each round's own ratio.
 *
 * <p>Each phase also records the CPU time its callers' threads used per call. On a machine whose cores other
 * work shares, a second caller may find no free core, which throughput counts against the platform; the CPU
 * time per call does not, and what two callers cost each other (a shared cache line, a contended
 * compare-and-set) still shows in it. {@code *_cpu_scaling_per_round} is 2 × (CPU per call, one caller) /
 * (CPU per call, two callers), the median of the rounds: the scaling were both cores free.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.benchmarks.runtime.ScalingTimer [rounds]</pre>
 */
public final class ScalingTimer {

    private static final long PHASE_NANOS = 2_000_000_000L;
    private static final String[] CONFIGS = {"platform1", "platform2", "raw1", "raw2"};

    private ScalingTimer() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        PluginRuntime runtime = LifecycleFixtures.developmentRuntime(null);
        CompileCache.Compiled echo = LifecycleFixtures.loadUnsigned(runtime, "echo", "echo");
        EngineRequest request = EngineRequest.of(LifecycleFixtures.PAYLOAD_100);
        byte[] rawRequest = LifecycleFixtures.requestBytes("echo", LifecycleFixtures.PAYLOAD_100);
        // On the platform's memory: the compiled code, rewritten for it, runs on no other (and one memory class
        // keeps the JIT's profile of that code the same for both configurations).
        LifecycleFixtures.RawPlugin[] raw = {LifecycleFixtures.raw(echo.module(), echo.machineFactory(), true),
            LifecycleFixtures.raw(echo.module(), echo.machineFactory(), true)};

        Phase phase = new Phase();
        Thread[] workers = new Thread[2];
        for (int w = 0; w < 2; w++) {
            int me = w;
            workers[w] = new Thread(() -> phase.work(me, () -> runtime.execute("echo", request),
                    () -> raw[me].call(rawRequest)), "scaling-" + w);
            workers[w].setDaemon(true);
            workers[w].start();
        }
        // Warm-up: every configuration a few times, unrecorded.
        for (int i = 0; i < 3; i++) {
            for (String c : CONFIGS) {
                phase.run(c);
            }
        }
        List<double[]> byConfig = new ArrayList<>();
        List<double[]> cpuByConfig = new ArrayList<>();
        for (int i = 0; i < CONFIGS.length; i++) {
            byConfig.add(new double[rounds]);
            cpuByConfig.add(new double[rounds]);
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < CONFIGS.length; k++) {
                int c = (k + r) % CONFIGS.length;
                double opsPerSecond = phase.run(CONFIGS[c]);
                byConfig.get(c)[r] = opsPerSecond;
                cpuByConfig.get(c)[r] = phase.cpuNanosPerOp();
                System.out.println(String.format(Locale.ROOT, "{\"round\":%d,\"config\":\"%s\",\"ops_per_s\":%.0f,"
                        + "\"cpu_ns_per_op\":%.0f}", r, CONFIGS[c], opsPerSecond, phase.cpuNanosPerOp()));
            }
        }
        // Each round's own ratio too: its four phases ran within 8 seconds of each other.
        double[] platformRatio = new double[rounds];
        double[] rawRatio = new double[rounds];
        double[] platformCpuRatio = new double[rounds];
        double[] rawCpuRatio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            platformRatio[r] = byConfig.get(1)[r] / byConfig.get(0)[r];
            rawRatio[r] = byConfig.get(3)[r] / byConfig.get(2)[r];
            platformCpuRatio[r] = 2 * cpuByConfig.get(0)[r] / cpuByConfig.get(1)[r];
            rawCpuRatio[r] = 2 * cpuByConfig.get(2)[r] / cpuByConfig.get(3)[r];
        }
        double p1 = median(byConfig.get(0));
        double p2 = median(byConfig.get(1));
        double r1 = median(byConfig.get(2));
        double r2 = median(byConfig.get(3));
        System.out.println(String.format(Locale.ROOT, "{\"summary\":true,\"rounds\":%d,\"platform1\":%.0f,\"platform2\":%.0f,"
                + "\"raw1\":%.0f,\"raw2\":%.0f,\"platform_scaling\":%.3f,\"raw_scaling\":%.3f,"
                + "\"platform_scaling_per_round\":%.3f,\"raw_scaling_per_round\":%.3f,"
                + "\"platform_cpu_scaling_per_round\":%.3f,\"raw_cpu_scaling_per_round\":%.3f}",
                rounds, p1, p2, r1, r2, p2 / p1, r2 / r1, median(platformRatio), median(rawRatio),
                median(platformCpuRatio), median(rawCpuRatio)));
        phase.stop();
        runtime.deactivate();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    /** Coordinates the two workers: both wait at a barrier, then run the phase's configuration. */
    private static final class Phase {
        private final CyclicBarrier start = new CyclicBarrier(3);
        private final CyclicBarrier end = new CyclicBarrier(3);
        private final AtomicBoolean running = new AtomicBoolean();
        private final LongAdder ops = new LongAdder();
        private final LongAdder cpuNanos = new LongAdder();
        private final java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private volatile String config;
        private volatile boolean stopped;

        double run(String c) throws Exception {
            config = c;
            ops.reset();
            cpuNanos.reset();
            running.set(true);
            start.await();
            long began = System.nanoTime();
            Thread.sleep(PHASE_NANOS / 1_000_000);
            running.set(false);
            double seconds = (System.nanoTime() - began) / 1e9;
            end.await(); // the workers have added their counts
            return ops.sum() / seconds;
        }

        /** The CPU time the callers' threads used per call in the last phase. */
        double cpuNanosPerOp() {
            return cpuNanos.sum() / (double) Math.max(1, ops.sum());
        }

        void stop() {
            stopped = true;
        }

        void work(int worker, Call platform, Call raw) {
            try {
                while (!stopped) {
                    start.await();
                    String c = config;
                    boolean active = worker == 0 || c.endsWith("2");
                    Call call = c.startsWith("platform") ? platform : raw;
                    long n = 0;
                    long cpu = threads.getCurrentThreadCpuTime();
                    while (active && running.get()) {
                        call.call();
                        n++;
                    }
                    if (active) {
                        cpuNanos.add(threads.getCurrentThreadCpuTime() - cpu);
                    }
                    ops.add(n);
                    end.await();
                }
            } catch (Exception e) {
                if (!stopped) {
                    // The other threads would wait at the barrier for this one forever: end the run instead.
                    System.err.println("ScalingTimer: worker " + worker + " failed, no figures: " + e);
                    e.printStackTrace();
                    System.exit(1);
                }
            }
        }
    }
}
