package dev.fluent.plugin.runtime.internal.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.compile.CompileCache;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The repository's example plugins, and copies of them a test may change. */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /**
     * A registry outside OSGi with development mode on: the example plugins in the repository are loaded
     * as they are, signed or not (trust has tests of its own). Their signatures verify against the
     * development key ({@link Signing#developmentTrust}); copies a test edits are unsigned.
     *
     * @param data its data folder (compile cache, remembered plugins), or {@code null} for none
     */
    public static PluginRuntime developmentRuntime(Path data) {
        PluginRuntime runtime = new PluginRuntime(null, new JsonManifestParser(), Clock.systemUTC(), data);
        runtime.configure(true, false);
        // Tests and benchmarks run plugins faster than their manifests' rate limits allow.
        runtime.executionServices().rateLimits(false);
        runtime.setTrustStore(Signing.developmentTrust());
        return runtime;
    }

    /** A load pipeline as a development registry has, with a compile cache in memory only. */
    public static LoadPipeline loader() {
        JsonManifestParser parser = new JsonManifestParser();
        TrustGate trust = new TrustGate(parser);
        trust.setDevelopmentMode(true);
        trust.bind(Signing.developmentTrust());
        OperatorPolicy policy = new OperatorPolicy(java.util.Map.of());
        return new LoadPipeline(parser, trust, new CompileCache(null), new Watchdog(), () -> policy, Clock.systemUTC());
    }

    public static Path examples() {
        String dir = System.getProperty("fluent.examples.dir");
        Path path = dir != null ? Path.of(dir) : Path.of("../../examples");
        return path.toAbsolutePath().normalize();
    }

    public static Path echo() {
        return examples().resolve("echo");
    }

    public static Path hostile(String name) {
        return examples().resolve("hostile").resolve(name);
    }

    /** Copies {@code manifest.json} and {@code plugin.wasm} of a plugin folder into {@code target}. */
    public static Path copy(Path plugin, Path target) {
        try {
            Files.createDirectories(target);
            Files.copy(plugin.resolve("manifest.json"), target.resolve("manifest.json"));
            Files.copy(plugin.resolve("plugin.wasm"), target.resolve("plugin.wasm"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites a copied plugin's manifest, which leaves it unsigned: development mode loads it. */
    public static void editManifest(Path folder, Consumer<ObjectNode> edit) {
        try {
            Path file = folder.resolve("manifest.json");
            ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(manifest);
            manifest.remove("signature");
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lifts a copied plugin's rate limit to the most a manifest may ask (tests that execute in a tight loop
     * would otherwise be rate limited) and drops its signature, which that edit breaks: load it in
     * development mode.
     */
    public static Path unthrottled(Path folder) {
        editManifest(folder, m -> {
            ((ObjectNode) m.get("permissions")).put("rate_limit_requests_per_minute", 60_000);
            m.remove("signature");
        });
        return folder;
    }

    /** Replaces a copied plugin's module and sets the manifest's checksum to match it. */
    public static void replaceWasm(Path folder, byte[] wasm) {
        try {
            Files.write(folder.resolve("plugin.wasm"), wasm);
            editManifest(folder, m -> m.put("checksum", IntegrityChecks.sha256(wasm)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A capability provider of {@code capability} defining {@code functions}, for a registry under test. */
    public static CapabilityProvider provider(Capability capability, HostFunctionDefinition... functions) {
        return new CapabilityProvider() {
            @Override
            public Capability capability() {
                return capability;
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return List.of(functions);
            }

            @Override
            public String toString() {
                return "test provider of " + capability;
            }
        };
    }
}
