package dev.fluent.plugin.benchmarks.runtime;

import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.compile.ModuleReader;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.ModuleInspector;
import dev.fluent.plugin.runtime.internal.load.PluginFiles;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import dev.fluent.plugin.runtime.internal.selftest.SelfTestRun;
import dev.fluent.plugin.runtime.internal.selftest.SelfTestService;
import dev.fluent.plugin.trust.internal.FolderTrustStore;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times {@code PluginRuntime.load} (read, verify, parse, compile or fetch the compiled code, first
 * instantiation: ready to execute) in a fresh JVM, one line of JSON per plugin. Run it twice on the same
 * data folder to see a restart: the first run compiles (cold), later ones find the compiled code on disk
 * (warm). {@code order} in the output says which load of the JVM it was: the first pays for loading and
 * warming up the platform's own code (Jackson, BouncyCastle, Chicory's parser and compiler), a later one
 * shows the cost of one more plugin.
 *
 * <pre>
 * java -cp benchmarks.jar dev.fluent.plugin.runtime.internal.LoadTimer --label cold --data DIR PLUGIN_FOLDER...
 * </pre>
 *
 * Signed plugins are verified against the development key in {@code examples/keys}, unsigned ones load in
 * development mode, as on a developer's machine.
 *
 * <p>With {@code --started}, the platform first starts as it does in the container: the Ed25519 verifier
 * passes its known-answer test and the runtime its {@link SelfTestRun} (waited for, and timed as
 * {@code start_ms}); the loads after it are what an operator sees on a running platform. Without it, the
 * load is the very first thing the fresh JVM does.
 *
 * <p>With {@code --breakdown} it does not call {@code load} but runs its steps one by one, in the same order
 * and the same fresh JVM, and times each: where a cold or warm load spends its time.
 */
public final class LoadTimer {

    private LoadTimer() {
    }

    public static void main(String[] args) throws Exception {
        String label = "run";
        boolean breakdown = false;
        boolean startPlatform = false;
        Path data = null;
        List<Path> plugins = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--label" -> label = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--breakdown" -> breakdown = true;
                case "--started" -> startPlatform = true;
                default -> plugins.add(Path.of(args[i]));
            }
        }
        if (data == null || plugins.isEmpty()) {
            System.err.println("usage: LoadTimer [--label NAME] --data DIR PLUGIN_FOLDER...");
            System.exit(2);
        }
        Path trustDir = LifecycleFixtures.tempDir("fluent-load-trust-");
        Path trusted = Files.createDirectories(trustDir.resolve("trusted-keys"));
        Files.copy(LifecycleFixtures.examples().resolve("keys/dev-signing-key.pub.pem"), trusted.resolve("development.pem"));
        FolderTrustStore trust = new FolderTrustStore(Map.of(
                "trusted.keys.dir", trusted.toString(),
                "development.keys.dir", trustDir.resolve("development-keys").toString(),
                "scan.interval.seconds", "3600"));
        long startBegins = System.nanoTime();
        Ed25519Verifier verifier = new Ed25519Verifier();
        if (startPlatform) {
            verifier.activate();
        }
        trust.addVerifier(verifier);
        PluginRuntime runtime = LifecycleFixtures.developmentRuntime(data);
        runtime.setTrustStore(trust);
        if (startPlatform) {
            SelfTestService selfTest = new SelfTestService(null, new JsonManifestParser());
            SelfTestRun.Outcome outcome = selfTest.start().join();
            selfTest.deactivate();
            if (!outcome.passed()) {
                throw new IllegalStateException("self-test failed: " + outcome.detail());
            }
        }
        double startMs = (System.nanoTime() - startBegins) / 1e6;
        String platform = startPlatform ? "started" : "fresh";

        if (breakdown) {
            runtime.deactivate();
            for (Path plugin : plugins) {
                breakdown(label, platform, plugin, data, trust);
            }
            trust.deactivate();
            return;
        }

        CompileCache cache = runtime.compileCache();
        try {
            int order = 0;
            for (Path plugin : plugins) {
                order++;
                long compilations = cache.compilations();
                long diskHits = cache.diskHits();
                long memoryHits = cache.memoryHits();
                long started = System.nanoTime();
                PluginInfo info = runtime.load(plugin, false);
                double loadMs = (System.nanoTime() - started) / 1e6;
                long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
                String code = cache.compilations() > compilations ? "compiled"
                        : cache.diskHits() > diskHits ? "disk" : cache.memoryHits() > memoryHits ? "memory" : "?";
                started = System.nanoTime();
                runtime.execute(info.id(), EngineRequest.of("64"));
                double firstExecuteMs = (System.nanoTime() - started) / 1e6;
                System.out.println(String.format(Locale.ROOT,
                        "{\"label\":\"%s\",\"platform\":\"%s\",\"order\":%d,\"plugin\":\"%s\",\"signed\":%b,"
                                + "\"start_ms\":%.1f,\"load_ms\":%.2f,\"warmup_ms\":%d,\"code\":\"%s\","
                                + "\"first_execute_ms\":%.2f,\"jvm_uptime_at_ready_ms\":%d}",
                        label, platform, order, info.id(), info.manifest().signature() != null, startMs, loadMs,
                        info.warmup() == null ? 0 : info.warmup().millis(), code, firstExecuteMs, uptime));
            }
        } finally {
            runtime.deactivate();
            trust.deactivate();
        }
    }

    /** The steps of {@code LoadPipeline.load}, timed one by one. */
    private static void breakdown(String label, String platform, Path plugin, Path data, FolderTrustStore trust)
            throws Exception {
        StringBuilder out = new StringBuilder();
        long t = System.nanoTime();
        long start = t;
        JsonManifestParser parser = new JsonManifestParser();
        byte[] manifestJson = Files.readAllBytes(plugin.resolve(PluginFiles.MANIFEST_FILE));
        PluginManifest manifest = parser.parse(manifestJson);
        t = step(out, "manifest", t);
        byte[] wasm = Files.readAllBytes(plugin.resolve(PluginFiles.WASM_FILE));
        if (!IntegrityChecks.sha256(wasm).equals(manifest.checksum())) {
            throw new IllegalStateException("checksum mismatch");
        }
        t = step(out, "checksum", t);
        if (manifest.signature() != null) {
            trust.verify(manifest, parser.signedContent(manifestJson));
        }
        t = step(out, "signature", t);
        CompileCache cache = new CompileCache(data.resolve("compile-cache"));
        CompileCache.Lookup cached = cache.lookup(manifest.checksum());
        t = step(out, "cache_lookup", t);
        WasmModule module = cached.diskClasses() != null
                ? ModuleReader.parseWithoutCode(manifest.name(), wasm, manifest.checksum())
                : ModuleReader.parse(manifest.name(), wasm);
        t = step(out, "wasm_parse", t);
        List<String> wasi = ModuleInspector.inspect(module, manifest);
        t = step(out, "inspect", t);
        CompileCache.Compiled compiled = cache.compile(manifest.checksum(), module, cached.diskClasses());
        t = step(out, "compile", t);
        CompiledPlugin plugin1 = new CompiledPlugin(manifest, plugin, compiled.module(), compiled.machineFactory(), wasi,
                ModuleInspector.exports(module).containsKey(Abi.EXPORT_INITIALIZE), wasm.length,
                compiled.interpretedFunctions());
        PluginInstance instance = PluginInstance.create(plugin1, new Execution(manifest.name(), "load", null));
        t = step(out, "instantiate", t);
        instance.abiVersion();
        instance.reset();
        t = step(out, "abi_probe_reset", t);
        System.out.println(String.format(Locale.ROOT,
                "{\"label\":\"%s\",\"platform\":\"%s\",\"plugin\":\"%s\",\"code\":\"%s\",%s\"total_ms\":%.2f}",
                label, platform, manifest.name(), cached.diskClasses() != null ? "disk" : "compiled", out, (t - start) / 1e6));
    }

    private static long step(StringBuilder out, String name, long since) {
        long now = System.nanoTime();
        out.append(String.format(Locale.ROOT, "\"%s_ms\":%.2f,", name, (now - since) / 1e6));
        return now;
    }
}
