package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The compute kernels side by side in one run: the platform (the registry's execute path, its compiled and
 * rewritten code, reset per request), raw Chicory (its own compiler and memory, the module's exports called
 * directly) and V8 (Node, a child process speaking a line protocol, {@code benchmarks/node/kernel-server.mjs}).
 *
 * <p>Each round runs every variant for the same number of calls, one after the other, and records the mean
 * time per call; a round's ratios compare variants measured seconds apart, under the same load. After the
 * warm-up rounds, the medians of the per-call times and of the per-round ratios are printed, as a Markdown
 * table, and written as JSON lines to the output folder. Before the rounds, each kernel is loaded in a fresh
 * registry that already serves another plugin (the JIT has not seen the kernel's code yet), which runs the
 * warm-up the kernel's manifest declares, and its load and
 * its first execution after the load are timed; "first / steady" divides that execution by the platform's median.
 *
 * <p>Every call's answer is checked against V8's: a variant that computes something else fails the run.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.benchmarks.runtime.KernelComparison OUT [ROUNDS] [WARMUP] [KERNEL...]</pre>
 */
public final class KernelComparison {

    /** A kernel: the plugin folder (relative to the repository) and the payload each call sends. */
    record Kernel(String name, String folder, String payload, int calls) {
    }

    static final List<Kernel> KERNELS = List.of(
            new Kernel("sha256", "examples/sha256", "1048576", 3),
            new Kernel("hashtable", "benchmarks/kernels/hashtable", "400000", 3),
            new Kernel("matmul", "benchmarks/kernels/matmul", "200", 3),
            new Kernel("jsonwords", "benchmarks/kernels/jsonwords", "40000", 3));

    private KernelComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/target/kernels");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        List<String> only = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : List.of();
        Files.createDirectories(out);
        Path root = LifecycleFixtures.examples().getParent();
        List<String> table = new ArrayList<>();
        table.add("| kernel | load (with its warm-up) | first execution | first / steady | platform | raw Chicory | V8 "
                + "| platform / V8 | raw Chicory / V8 | platform / raw Chicory |");
        table.add("|---|---|---|---|---|---|---|---|---|---|");
        try (PrintWriter json = new PrintWriter(Files.newBufferedWriter(out.resolve("kernels.jsonl")))) {
            for (Kernel k : KERNELS) {
                if (!only.isEmpty() && !only.contains(k.name())) {
                    continue;
                }
                Result r = run(root, k, rounds, warmup);
                table.add(String.format(Locale.ROOT, "| %s | %d ms | %.0f ms | %.2f× | %.1f ms | %.1f ms | %.1f ms | %.2f× "
                        + "| %.2f× | %.2f× |", k.name(), r.loadMs, r.firstMs, r.firstMs / median(r.platform),
                        median(r.platform), median(r.raw), median(r.v8), median(r.platformOverV8), median(r.rawOverV8),
                        median(r.platformOverRaw)));
                json.printf(Locale.ROOT, "{\"kernel\":\"%s\",\"payload\":\"%s\",\"rounds\":%d,\"load_ms\":%d,"
                                + "\"first_ms\":%.2f,"
                                + "\"platform_ms\":%s,\"raw_ms\":%s,\"v8_ms\":%s,\"platform_over_v8\":%s,"
                                + "\"raw_over_v8\":%s,\"platform_over_raw\":%s}%n",
                        k.name(), k.payload(), rounds, r.loadMs, r.firstMs, list(r.platform), list(r.raw), list(r.v8),
                        list(r.platformOverV8), list(r.rawOverV8), list(r.platformOverRaw));
                json.flush();
                System.out.println(table.get(table.size() - 1));
            }
        }
        Files.write(out.resolve("kernels.md"), table, StandardCharsets.UTF_8);
        System.out.println();
        table.forEach(System.out::println);
    }

    private static final class Result {
        long loadMs;
        double firstMs;
        final List<Double> platform = new ArrayList<>();
        final List<Double> raw = new ArrayList<>();
        final List<Double> v8 = new ArrayList<>();
        final List<Double> platformOverV8 = new ArrayList<>();
        final List<Double> rawOverV8 = new ArrayList<>();
        final List<Double> platformOverRaw = new ArrayList<>();
    }

    private static Result run(Path root, Kernel k, int rounds, int warmup) throws Exception {
        Path folder = root.resolve(k.folder());
        Result result = new Result();
        try (V8 v8 = new V8(root, folder, k.payload())) {
            String expected = v8.content;
            PluginRuntime runtime = LifecycleFixtures.developmentRuntime(null);
            try {
                servingAlready(root, runtime);
                Path copy = LifecycleFixtures.unsignedCopy(folder, LifecycleFixtures.tempDir("fluent-kernel-")
                        .resolve(k.name()), k.name());
                result.loadMs = runtime.load(copy, false).loadMillis();
                EngineRequest request = EngineRequest.of(k.payload());
                long start = System.nanoTime();
                check(k, "platform", expected, runtime.execute(k.name(), request).content());
                result.firstMs = (System.nanoTime() - start) / 1e6;

                // Raw Chicory: its own parse, compiler and default memory, as a user of Chicory gets them.
                var module = LifecycleFixtures.parse(folder);
                var raw = LifecycleFixtures.raw(module, MachineFactoryCompiler.compile(module));
                byte[] rawRequest = LifecycleFixtures.requestBytes(k.name(), k.payload());
                check(k, "raw Chicory", expected, Abi.decodeResponse(k.name(), raw.call(rawRequest)).content());

                for (int round = 0; round < warmup + rounds; round++) {
                    double p = time(k.calls(), () -> check(k, "platform", expected,
                            runtime.execute(k.name(), request).content()));
                    double c = time(k.calls(), () -> check(k, "raw Chicory", expected,
                            Abi.decodeResponse(k.name(), raw.call(rawRequest)).content()));
                    double v = v8.run(k.calls());
                    if (round >= warmup) {
                        result.platform.add(p);
                        result.raw.add(c);
                        result.v8.add(v);
                        result.platformOverV8.add(p / v);
                        result.rawOverV8.add(c / v);
                        result.platformOverRaw.add(p / c);
                    }
                }
            } finally {
                runtime.deactivate();
            }
        }
        return result;
    }

    /**
     * A registry that serves already, as a started container's does (its self-test and its other plugins have run
     * the execute path): echo, executed for a second. Without it the first kernel's first execution would time
     * the platform's own code's first run, not the kernel's.
     */
    private static void servingAlready(Path root, PluginRuntime runtime) throws Exception {
        Path echo = LifecycleFixtures.unsignedCopy(root.resolve("examples/echo"),
                LifecycleFixtures.tempDir("fluent-kernel-").resolve("echo"), "echo");
        runtime.load(echo, false);
        EngineRequest hello = EngineRequest.of("hello");
        for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; ) {
            runtime.execute("echo", hello);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Mean milliseconds per call. */
    private static double time(int calls, Call call) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / 1e6 / calls;
    }

    private static void check(Kernel k, String variant, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(k.name() + ": " + variant + " answered " + actual + " where V8 answered "
                    + expected);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String list(List<Double> values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", values.get(i)));
        }
        return s.append(']').toString();
    }

    /** Node running the same module, driven over its standard input and output. */
    private static final class V8 implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;
        final String content;

        V8(Path root, Path folder, String payload) throws IOException {
            process = new ProcessBuilder("node", root.resolve("benchmarks/node/kernel-server.mjs").toString(),
                    folder.toString(), payload).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            content = line("first");
        }

        /** Mean milliseconds per call over {@code calls} calls. */
        double run(int calls) throws IOException {
            in.println("run " + calls);
            return Double.parseDouble(line("run"));
        }

        private String line(String what) throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("node ended before answering " + what);
            }
            return line;
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            process.waitFor();
        }
    }
}
