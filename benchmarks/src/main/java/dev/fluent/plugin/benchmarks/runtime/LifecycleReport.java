package dev.fluent.plugin.benchmarks.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what {@code benchmarks/run-lifecycle.sh} measured (JMH JSON results, the lines of LoadTimer,
 * HeapPerPlugin and the V8 script) and prints the side-by-side summary with ratios and targets, as
 * Markdown; also writes it to {@code summary.md} in the results folder.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.runtime.internal.LifecycleReport RESULTS_DIR</pre>
 */
public final class LifecycleReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Benchmark name (method) → [score, error, unit]. */
    private final Map<String, double[]> scores = new HashMap<>();
    private final Map<String, String> units = new HashMap<>();
    private final Path dir;
    private final StringBuilder out = new StringBuilder();

    private LifecycleReport(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/target/lifecycle");
        LifecycleReport report = new LifecycleReport(dir);
        for (String file : List.of("overhead.json", "overhead-parts.json", "throughput.json", "shared.json", "sha256.json", "interpreter.json")) {
            report.readJmh(dir.resolve(file));
        }
        report.print();
        System.out.print(report.out);
        Files.writeString(dir.resolve("summary.md"), report.out);
    }

    private void readJmh(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (JsonNode run : JSON.readTree(file.toFile())) {
            String name = run.get("benchmark").asText();
            // Simple class name and method: "Sha256Benchmark.platform".
            String[] parts = name.split("\\.");
            name = parts[parts.length - 2].replace("Benchmark", "") + "." + parts[parts.length - 1];
            JsonNode metric = run.get("primaryMetric");
            // The best iteration: other work on the machine only ever adds time (or takes throughput).
            boolean higherIsBetter = metric.get("scoreUnit").asText().startsWith("ops/");
            double best = higherIsBetter ? 0 : Double.MAX_VALUE;
            for (JsonNode fork : metric.get("rawData")) {
                for (JsonNode iteration : fork) {
                    double v = iteration.asDouble();
                    best = higherIsBetter ? Math.max(best, v) : Math.min(best, v);
                }
            }
            scores.put(name, new double[] {metric.get("score").asDouble(), metric.get("scoreError").asDouble(), best});
            units.put(name, metric.get("scoreUnit").asText());
        }
    }

    private double score(String name) {
        double[] s = scores.get(name);
        return s == null ? Double.NaN : s[0];
    }

    private double best(String name) {
        double[] s = scores.get(name);
        return s == null ? Double.NaN : s[2];
    }

    private String pm(String name) {
        double[] s = scores.get(name);
        if (s == null) {
            return "n/a";
        }
        String unit = units.get(name).replace("us/op", "µs").replace("ms/op", "ms").replace("ops/s", "ops/s");
        String mean = Double.isNaN(s[1]) ? f(s[0]) + " " + unit : f(s[0]) + " ± " + f(s[1]) + " " + unit;
        return mean + " (best " + f(s[2]) + ")";
    }

    private List<JsonNode> lines(String file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            return nodes;
        }
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith("{")) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private void print() throws IOException {
        Path env = dir.resolve("environment.txt");
        if (Files.isRegularFile(env)) {
            out.append(Files.readString(env).strip()).append("\n\n");
        }
        out.append("| # | measure | platform | reference | ratio | target | met? |\n");
        out.append("|---|---|---|---|---|---|---|\n");

        // 1. Per-execution overhead.
        double platform = score("ExecutionOverhead.platform");
        double raw = score("ExecutionOverhead.raw");
        double overhead = platform - raw;
        row("1", "echo execution, 100-byte payload, average", pm("ExecutionOverhead.platform"), "raw Chicory call " + pm("ExecutionOverhead.raw"),
                x(platform / raw), "overhead < 15 µs", f(overhead) + " µs " + verdict(overhead < 15));
        double withSink = score("ExecutionOverhead.platformNoopSink");
        row("1", "same, with one no-op audit sink", pm("ExecutionOverhead.platformNoopSink"), "raw " + f(raw) + " µs",
                x(withSink / raw), "overhead < 15 µs", f(withSink - raw) + " µs " + verdict(withSink - raw < 15));

        // 2. SHA-256.
        List<JsonNode> node = lines("node-sha256.json");
        double v8 = node.isEmpty() ? Double.NaN : node.get(0).get("median_ms").asDouble();
        String v8Text = node.isEmpty() ? "n/a (no node)" : "V8 " + f(v8) + " ms (median)";
        double sha = score("Sha256.platform");
        row("2", "SHA-256 of 1 MiB, platform (compiled)", pm("Sha256.platform"), v8Text, x(sha / v8), "≤ 3× V8",
                verdict(sha / v8 <= 3));
        row("2", "same .wasm, bare Chicory instance (compiled)", pm("Sha256.rawCompiled"), v8Text,
                x(score("Sha256.rawCompiled") / v8), "", "");
        row("2", "same .wasm, Chicory interpreter", pm("Sha256.interpreter"), v8Text, x(score("Sha256.interpreter") / v8), "",
                "");

        // 3. Load. "platform": started (self-test done) or fresh (first thing in the JVM); "order" 1: the
        // JVM's first plugin, 2: a second one.
        Map<String, List<Double>> loads = new HashMap<>();
        Map<String, List<Double>> starts = new HashMap<>();
        for (JsonNode l : lines("load.jsonl")) {
            String key = l.get("plugin").asText() + "/" + l.get("platform").asText() + "/" + l.get("label").asText()
                    + "/" + l.get("order").asInt();
            // The load's own steps: a manifest's warm-up (sha256 declares one) is part of a load, timed apart.
            loads.computeIfAbsent(key, k -> new ArrayList<>()).add(l.get("load_ms").asDouble()
                    - l.path("warmup_ms").asDouble(0));
            if (l.get("order").asInt() == 1) {
                starts.computeIfAbsent(l.get("platform").asText(), k -> new ArrayList<>()).add(l.get("start_ms").asDouble());
            }
        }
        for (String plugin : List.of("echo", "sha256")) {
            boolean isEcho = plugin.equals("echo");
            List<Double> cold = loads.getOrDefault(plugin + "/started/cold/1", List.of());
            List<Double> warm = loads.getOrDefault(plugin + "/started/warm/1", List.of());
            row("3", "load " + plugin + " on a started platform, cold: empty compile cache (median)", ms(median(cold)),
                    runs(cold), "", isEcho ? "< 500 ms" : "", isEcho ? verdict(median(cold) < 500) : "");
            row("3", "load " + plugin + " on a started platform, warm: a restart, compile cache on disk (median)",
                    ms(median(warm)), runs(warm), x(median(cold) / median(warm)) + " faster than cold",
                    isEcho ? "< 50 ms" : "", isEcho ? verdict(median(warm) < 50) : "");
            List<Double> cold2 = loads.getOrDefault(plugin + "/started/cold/2", List.of());
            List<Double> warm2 = loads.getOrDefault(plugin + "/started/warm/2", List.of());
            row("3", "load " + plugin + " as the platform's second plugin, cold / warm (median)",
                    ms(median(cold2)) + " / " + ms(median(warm2)), runs(warm2) + " (warm)", "", "", "");
        }
        List<Double> start = starts.getOrDefault("started", List.of());
        row("3", "platform start before those loads: verifier known-answer test + runtime self-test (median)",
                ms(median(start)), runs(start), "", "", "");
        for (String plugin : List.of("echo", "sha256")) {
            List<Double> cold = loads.getOrDefault(plugin + "/fresh/cold/" + (plugin.equals("echo") ? 1 : 2), List.of());
            List<Double> warm = loads.getOrDefault(plugin + "/fresh/warm/" + (plugin.equals("echo") ? 1 : 2), List.of());
            row("3", "reference: " + plugin + (plugin.equals("echo") ? " as the very first thing a fresh JVM does"
                    : " right after it") + ", cold / warm (median)", ms(median(cold)) + " / " + ms(median(warm)),
                    runs(warm) + " (warm)", "", "", "");
        }

        // 4. Throughput. The target is read from ScalingTimer (side by side in one JVM); JMH's forks follow.
        for (JsonNode sc : lines("scaling.jsonl")) {
            if (!sc.path("summary").asBoolean()) {
                continue;
            }
            double perRound = sc.get("platform_scaling_per_round").asDouble();
            row("4", "echo throughput, 1 → 2 callers, side by side in one JVM (median of " + sc.get("rounds").asInt()
                    + " rounds)", f(sc.get("platform1").asDouble()) + " → " + f(sc.get("platform2").asDouble()) + " ops/s",
                    "raw Chicory " + f(sc.get("raw1").asDouble()) + " → " + f(sc.get("raw2").asDouble()) + " ops/s ("
                            + x(sc.get("raw_scaling_per_round").asDouble()) + " per round)",
                    x(perRound) + " per round", "≥ 1.8×", verdict(perRound >= 1.8));
        }
        double t1 = score("Throughput.platform1");
        double t2 = score("Throughput.platform2");
        double r1 = score("Throughput.raw1");
        double r2 = score("Throughput.raw2");
        row("4", "same in JMH, one fork per configuration (mean)", f(t1) + " → " + f(t2) + " ops/s",
                "raw Chicory " + f(r1) + " → " + f(r2) + " ops/s (" + x(r2 / r1) + ")", x(t2 / t1), "", "");
        double t2own = score("Throughput.platform2TwoPlugins");
        row("4", "JMH, two callers, each of its own copy of echo (mean)", f(t1) + " → " + f(t2own) + " ops/s", "",
                x(t2own / t1), "", "");

        // 5. Heap.
        for (JsonNode h : lines("heap.json")) {
            double beyond = h.get("beyond_linear_per_plugin_bytes").asDouble();
            row("5", "heap per idle echo plugin beyond its linear memory (" + h.get("plugins").asInt() + " loaded)",
                    kib(beyond), "linear memory " + kib(h.get("linear_memory_per_plugin_bytes").asDouble())
                            + ", total " + kib(h.get("per_plugin_bytes").asDouble()),
                    "", "< 5 MB", verdict(beyond < 5 * 1024 * 1024));
        }

        // Where the time of one echo execution goes: means, and best iterations (least disturbed).
        out.append("\nWhere the time of one echo execution goes (µs per call; mean over the iterations, and the best"
                + " iteration, which other work on the machine disturbed least):\n\n");
        out.append("| part | mean | best |\n|---|---|---|\n");
        String[][] parts = {
            {"platform: PluginRuntime.execute", "platform"},
            {"raw Chicory call (alloc, write, execute_request, read frame)", "raw"},
            {"raw call on PluginMemory instead of Chicory's default memory", "rawOnPluginMemory"},
            {"PluginInstance.call + reset (encode, guest call, decode, reset)", "instanceCallAndReset"},
            {"  request encoding (Abi.encodeRequest)", "encodeRequest"},
            {"  response decoding (Abi.decodeResponse)", "decodeResponse"},
            {"  instance reset after an echo call (PluginInstance.reset)", "resetAfterEcho"},
            {"  instance reset, nothing written (PluginInstance.reset)", "resetClean"},
            {"registry path around it:", null},
            {"  watchdog arm + disarm", "watchdogArmDisarm"},
            {"  pool borrow + release (release resets a clean instance)", "poolBorrowRelease"},
            {"  audit, no sink (the registry outside OSGi)", "auditNoSink"},
            {"  audit, one no-op sink", "auditNoopSink"},
            {"  statistics (counters, latency histogram)", "statisticsRecord"},
        };
        for (String[] p : parts) {
            if (p[1] == null) {
                out.append("| ").append(p[0]).append(" | | |\n");
                continue;
            }
            String key = "ExecutionOverhead." + p[1];
            out.append("| ").append(p[0]).append(" | ").append(f(score(key))).append(" | ").append(f(best(key)))
                    .append(" |\n");
        }
        double[] derived = new double[2];
        for (int i = 0; i < 2; i++) {
            java.util.function.ToDoubleFunction<String> v = i == 0 ? n -> score("ExecutionOverhead." + n)
                    : n -> best("ExecutionOverhead." + n);
            derived[i] = v.applyAsDouble("platform") - v.applyAsDouble("instanceCallAndReset");
        }
        out.append("| registry path, total (platform − PluginInstance.call + reset) | ").append(f(derived[0]))
                .append(" | ").append(f(derived[1])).append(" |\n");
        for (int i = 0; i < 2; i++) {
            java.util.function.ToDoubleFunction<String> v = i == 0 ? n -> score("ExecutionOverhead." + n)
                    : n -> best("ExecutionOverhead." + n);
            derived[i] = v.applyAsDouble("instanceCallAndReset") - v.applyAsDouble("rawOnPluginMemory")
                    - v.applyAsDouble("encodeRequest") - v.applyAsDouble("decodeResponse")
                    - v.applyAsDouble("resetAfterEcho");
        }
        out.append("| unaccounted in PluginInstance.call + reset (call − raw on PluginMemory − encode − decode − reset) | ")
                .append(f(derived[0])).append(" | ").append(f(derived[1])).append(" |\n");
        out.append("\nBest-iteration overhead of the platform over the raw call: ")
                .append(f(best("ExecutionOverhead.platform") - best("ExecutionOverhead.raw"))).append(" µs")
                .append(" (with a no-op audit sink: ")
                .append(f(best("ExecutionOverhead.platformNoopSink") - best("ExecutionOverhead.raw"))).append(" µs).\n");

        if (scores.containsKey("SharedState.statisticsRecord")) {
            out.append("\nThe registry's shared state with two callers at once (µs per call and caller, best"
                    + " iteration; one caller from the table above):\n\n");
            out.append("| part | one caller | two callers |\n|---|---|---|\n");
            String[][] shared = {
                {"watchdog arm + disarm", "watchdogArmDisarm", "watchdogArmDisarm"},
                {"pool borrow + release", "poolBorrowRelease", "poolBorrowRelease"},
                {"statistics", "statisticsRecord", "statisticsRecord"},
                {"audit, one no-op sink", "auditNoopSink", "auditNoopSink"},
            };
            for (String[] p : shared) {
                out.append("| ").append(p[0]).append(" | ").append(f(best("ExecutionOverhead." + p[1])))
                        .append(" | ").append(f(best("SharedState." + p[2]))).append(" |\n");
            }
        }

        List<JsonNode> breakdown = lines("load-breakdown.jsonl");
        if (!breakdown.isEmpty()) {
            out.append("\nWhere a load goes (steps of LoadPipeline.load run one by one on a started platform, ms; warm:"
                    + " the code section is not decoded, the compiled classes come from disk):\n\n");
            List<String> steps = new ArrayList<>();
            breakdown.get(0).fieldNames().forEachRemaining(n -> {
                if (n.endsWith("_ms")) {
                    steps.add(n);
                }
            });
            out.append("| plugin | run |");
            steps.forEach(s -> out.append(' ').append(s.replace("_ms", "").replace("compile_compiled", "compile")
                    .replace("compile_disk", "compile")).append(" |"));
            out.append("\n|---|---|");
            steps.forEach(s -> out.append("---|"));
            out.append('\n');
            for (JsonNode b : breakdown) {
                out.append("| ").append(b.get("plugin").asText()).append(" | ").append(b.get("label").asText())
                        .append(" |");
                b.fieldNames().forEachRemaining(n -> {
                    if (n.endsWith("_ms")) {
                        out.append(' ').append(f(b.get(n).asDouble())).append(" |");
                    }
                });
                out.append('\n');
            }
        }
    }

    private void row(String n, String measure, String platform, String reference, String ratio, String target,
            String met) {
        out.append("| ").append(String.join(" | ", n, measure, platform, reference, ratio, target, met)).append(" |\n");
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String runs(List<Double> values) {
        if (values.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(values.size() + " run(s): ");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(f(values.get(i)));
        }
        return s.append(" ms").toString();
    }

    private static String ms(double v) {
        return f(v) + " ms";
    }

    private static String kib(double bytes) {
        return bytes >= 1024 * 1024 ? String.format(Locale.ROOT, "%.2f MiB", bytes / (1024 * 1024))
                : String.format(Locale.ROOT, "%.0f KiB", bytes / 1024);
    }

    private static String x(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    private static String f(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
