package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.compile.GeneratedClasses;
import dev.fluent.plugin.runtime.internal.compile.MemoryAccessInliner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loops' interruption check as Chicory emits it (a read of the thread's volatile interrupt flag on every back
 * edge) against the countdown the platform rewrites it into, on the same kernels in one JVM: two instances of each
 * kernel, compiled and rewritten alike but for that, both on the platform's memory with its reset after every
 * call, run one after the other in every round (their order alternating), the same number of calls each. Prints
 * the median CPU time per call of each and the median of the per-round ratios (countdown / Chicory's check).
 *
 * <pre>java -XX:-DontCompileHugeMethods -cp benchmarks.jar dev.fluent.plugin.benchmarks.runtime.LoopCheckComparison [ROUNDS] [WARMUP] [KERNEL...]</pre>
 */
public final class LoopCheckComparison {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private LoopCheckComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        List<String> only = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Path root = LifecycleFixtures.examples().getParent();
        MemoryAccessInliner inliner = MemoryAccessInliner.forThisJvm();
        System.out.println("| kernel | Chicory's check (CPU ms per call) | countdown | countdown / Chicory's check (median of rounds) |");
        System.out.println("|---|---|---|---|");
        for (KernelComparison.Kernel k : KernelComparison.KERNELS) {
            if (!only.isEmpty() && !only.contains(k.name())) {
                continue;
            }
            var module = LifecycleFixtures.parse(root.resolve(k.folder()));
            byte[] request = LifecycleFixtures.requestBytes(k.name(), k.payload());
            Variant checked = new Variant(LifecycleFixtures.raw(module,
                    GeneratedClasses.compile(module, inliner, false).load(), true));
            Variant counted = new Variant(LifecycleFixtures.raw(module,
                    GeneratedClasses.compile(module, inliner, true).load(), true));
            String expected = checked.call(k, request);
            if (!expected.equals(counted.call(k, request))) {
                throw new IllegalStateException(k.name() + ": the variants answer differently");
            }
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            for (int round = 0; round < warmup + rounds; round++) {
                double ta;
                double tb;
                if (round % 2 == 0) {
                    ta = checked.time(k, request, expected);
                    tb = counted.time(k, request, expected);
                } else {
                    tb = counted.time(k, request, expected);
                    ta = checked.time(k, request, expected);
                }
                if (round >= warmup) {
                    a.add(ta);
                    b.add(tb);
                    ratio.add(tb / ta);
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.3f (rounds %.3f to %.3f) |%n", k.name(),
                    KernelComparison.median(a), KernelComparison.median(b), KernelComparison.median(ratio),
                    ratio.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    ratio.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    /** One compiled variant of a kernel on the platform's memory, reset after every call as the platform does. */
    private static final class Variant {
        private final LifecycleFixtures.RawPlugin plugin;
        private final PluginMemory memory;

        Variant(LifecycleFixtures.RawPlugin plugin) {
            this.plugin = plugin;
            this.memory = (PluginMemory) plugin.memory;
            memory.snapshot();
        }

        String call(KernelComparison.Kernel k, byte[] request) throws Exception {
            try {
                return Abi.decodeResponse(k.name(), plugin.call(request)).content();
            } finally {
                memory.reset();
            }
        }

        /**
         * Mean milliseconds of this thread's CPU time per call: on a machine shared with other work, the time the
         * thread waited for a core is not the variant's.
         */
        double time(KernelComparison.Kernel k, byte[] request, String expected) throws Exception {
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < k.calls(); i++) {
                if (!expected.equals(call(k, request))) {
                    throw new IllegalStateException(k.name() + " answered differently");
                }
            }
            return (CPU.getCurrentThreadCpuTime() - start) / 1e6 / k.calls();
        }
    }
}
