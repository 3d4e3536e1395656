package dev.fluent.plugin.runtime.internal.selftest;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
public final class SelfTestRun {

    public static final String RESOURCE_FOLDER = "plugin/";
    /** The name the embedded plugin goes by in the load steps' messages. */
    private static final Path FOLDER = Path.of("selftest");
    /** Two payloads with multi-byte characters, whitespace runs and digits; ASCII whitespace only. */
    static final List<String> PAYLOADS = List.of("Fluent self-test: héllo wörld, ✓ 12345  6789",
            "a second request\tafter a reset: 日本語 テキスト");

    /** What a run found. */
    public record Outcome(boolean passed, long millis, String detail) {
    }

    private SelfTestRun() {
    }

    /** Runs the whole test on the embedded plugin; never throws. */
    public static Outcome run(ManifestParser parser, Watchdog watchdog) {
        try {
            return run(parser, watchdog, resource("manifest.json"), resource("plugin.wasm"));
        } catch (IOException e) {
            return new Outcome(false, 0, e.toString());
        }
    }

    /** Runs the whole test on the plugin given (tests give it other plugins, which must fail it). */
    public static Outcome run(ManifestParser parser, Watchdog watchdog, byte[] manifestJson, byte[] wasm) {
        long started = System.nanoTime();
        Path cacheDir = null;
        try {
            // The signature is not checked (the plugin is part of this bundle), but its canonical form is made,
            // as for every signed plugin.
            parser.signedContent(manifestJson);
            PolicyService policy = new OperatorPolicy(Map.of());
            Clock clock = Clock.systemUTC();
            // Load into a compile cache of its own, then again from it, as after a restart.
            cacheDir = Files.createTempDirectory("fluent-selftest-");
            check(new LoadPipeline(parser, null, new CompileCache(cacheDir), watchdog, () -> policy, clock)
                    .load(FOLDER, manifestJson, wasm), watchdog);
            CompileCache restarted = new CompileCache(cacheDir);
            LoadPipeline.Loaded again = new LoadPipeline(parser, null, restarted, watchdog, () -> policy, clock)
                    .load(FOLDER, manifestJson, wasm);
            if (restarted.diskHits() != 1) {
                throw new IllegalStateException("the compile cache did not find the entry it had just written");
            }
            check(again, watchdog);
            return new Outcome(true, millisSince(started), "parse, compile, compile cache, ABI and reset checked");
        } catch (PluginException | RuntimeException | IOException | StackOverflowError e) {
            return new Outcome(false, millisSince(started), e.toString());
        } finally {
            deleteQuietly(cacheDir);
        }
    }

    /** Checks the answers to both payloads on the instance the load started, with a reset after each. */
    private static void check(LoadPipeline.Loaded loaded, Watchdog watchdog) throws PluginException {
        PluginManifest manifest = loaded.compiled().manifest();
        PluginInstance instance = loaded.warmInstance();
        if (instance == null) {
            throw new IllegalStateException("the self-test instance could not be reset after its ABI probe");
        }
        int n = 0;
        for (String payload : PAYLOADS) {
            Watchdog.Deadline deadline = watchdog.arm(manifest.permissions().maxExecutionTimeMs());
            EngineResponse response;
            try {
                response = instance.call(EngineRequest.of(payload), new Execution(manifest.name(), "selftest-" + ++n, null));
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
    public static EngineResponse expected(String payload) {
        long words = payload.isBlank() ? 0 : payload.trim().split("\\s+").length;
        long chars = payload.codePointCount(0, payload.length());
        String content = words + " words, " + chars + " chars, fnv1a64 "
                + HexFormat.of().toHexDigits(fnv1a64(payload.getBytes(StandardCharsets.UTF_8)));
        return new EngineResponse(content, new EngineResponse.Usage(words, chars, words + chars), "selftest", "stop",
                new EngineResponse.Cost(words / 1000.0, chars / 1_000_000.0, words / 1000.0 + chars / 1_000_000.0));
    }

    public static long fnv1a64(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SelfTestRun.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
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
