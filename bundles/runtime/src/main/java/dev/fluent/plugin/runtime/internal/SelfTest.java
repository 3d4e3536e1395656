package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The runtime's known-answer test, run in the background each time it starts: the self-test plugin
 * embedded in this bundle ({@code examples/selftest}) goes through every step a plugin load and an
 * execution take on this JVM (manifest parse, checksum, validating parse, compile, the compile cache on
 * disk and back, parse without validation, instantiation, the ABI probe, two executions with a reset
 * between), and its answers are checked against the same computation done here in Java.
 *
 * <p>A failure means this JVM cannot run plugins correctly (a broken Chicory, a JIT fault): it is logged
 * and audited. Passing also means those code paths are loaded and warmed up, so the first plugin an
 * operator loads does not pay for them (docs/benchmarks.md, "Load").
 */
final class SelfTest {

    static final String RESOURCE_FOLDER = "selftest/";
    /** Two payloads with multi-byte characters, whitespace runs and digits; ASCII whitespace only. */
    static final List<String> PAYLOADS = List.of("Fluent self-test: héllo wörld, ✓ 12345  6789",
            "a second request\tafter a reset: 日本語 テキスト");

    /** What a run found. */
    record Outcome(boolean passed, long millis, String detail) {
    }

    private SelfTest() {
    }

    /** Runs the whole test on the embedded plugin; never throws. */
    static Outcome run(ManifestParser parser, Watchdog watchdog) {
        try {
            return run(parser, watchdog, resource("manifest.json"), resource("plugin.wasm"));
        } catch (IOException e) {
            return new Outcome(false, 0, e.toString());
        }
    }

    /** Runs the whole test on the plugin given (tests give it other plugins, which must fail it). */
    static Outcome run(ManifestParser parser, Watchdog watchdog, byte[] manifestJson, byte[] wasm) {
        long started = System.nanoTime();
        Path cacheDir = null;
        try {
            PluginManifest manifest = parser.parse(manifestJson);
            parser.signedContent(manifestJson);
            PluginLoader.checkChecksum(manifest, wasm);
            String id = manifest.name();

            // Compile into a compile cache of its own, then load it back as a restart would.
            cacheDir = Files.createTempDirectory("fluent-selftest-");
            WasmModule module = PluginLoader.parse(id, wasm);
            List<String> wasi = ModuleInspector.inspect(module, manifest);
            CompileCache.Compiled compiled = new CompileCache(cacheDir).compile(manifest.checksum(), module);
            check(manifest, module, wasi, compiled, watchdog);

            CompileCache restarted = new CompileCache(cacheDir);
            CompileCache.Lookup lookup = restarted.lookup(manifest.checksum());
            if (lookup.diskClasses() == null) {
                throw new IllegalStateException("the compile cache did not find the entry it had just written");
            }
            WasmModule reparsed = PluginLoader.parseWithoutCode(id, wasm, manifest.checksum());
            check(manifest, reparsed, wasi,
                    restarted.compile(manifest.checksum(), reparsed, lookup.diskClasses()), watchdog);
            return new Outcome(true, millisSince(started), "parse, compile, compile cache, ABI and reset checked");
        } catch (PluginException | RuntimeException | IOException | StackOverflowError e) {
            return new Outcome(false, millisSince(started), e.toString());
        } finally {
            deleteQuietly(cacheDir);
        }
    }

    /** Instantiates, probes the ABI, and checks the answers to both payloads on one instance. */
    private static void check(PluginManifest manifest, WasmModule module, List<String> wasi,
            CompileCache.Compiled machine, Watchdog watchdog) throws PluginException {
        CompiledPlugin plugin = new CompiledPlugin(manifest, Path.of("selftest"), module, machine.machineFactory(), wasi,
                ModuleInspector.exports(module).containsKey(ModuleInspector.EXPORT_INITIALIZE), 0, 0);
        PluginInstance instance = PluginLoader.probe(watchdog, plugin);
        if (instance == null) {
            throw new IllegalStateException("the self-test instance could not be reset after its ABI probe");
        }
        int n = 0;
        for (String payload : PAYLOADS) {
            Watchdog.Deadline deadline = watchdog.arm(manifest.permissions().maxExecutionTimeMs());
            EngineResponse response;
            try {
                response = instance.call(EngineRequest.of(payload), new ExecutionContext(manifest.name(), "selftest-" + ++n, null));
            } finally {
                if (watchdog.disarm(deadline)) {
                    throw new IllegalStateException("the self-test plugin ran past its deadline");
                }
            }
            EngineResponse expected = expected(payload);
            if (!expected.equals(response)) {
                throw new IllegalStateException("wrong answer to '" + payload + "': " + response + ", expected " + expected);
            }
            if (!instance.reset()) {
                throw new IllegalStateException("the self-test instance could not be reset");
            }
        }
    }

    /** The answer the self-test plugin must give, computed here (examples/selftest/README.md). */
    static EngineResponse expected(String payload) {
        long words = payload.isBlank() ? 0 : payload.trim().split("\\s+").length;
        long chars = payload.codePointCount(0, payload.length());
        String content = words + " words, " + chars + " chars, fnv1a64 "
                + HexFormat.of().toHexDigits(fnv1a64(payload.getBytes(StandardCharsets.UTF_8)));
        return new EngineResponse(content, new EngineResponse.Usage(words, chars, words + chars), "selftest", "stop",
                new EngineResponse.Cost(words / 1000.0, chars / 1_000_000.0, words / 1000.0 + chars / 1_000_000.0));
    }

    static long fnv1a64(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SelfTest.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
            if (in == null) {
                throw new IOException("the runtime bundle lacks its self-test plugin's " + name);
            }
            return in.readAllBytes();
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A temporary folder left behind harms nothing.
        }
    }
}
