package dev.fluent.plugin.devtools.standalone;

import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.inspect.PluginInspector;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.PluginDevTools;
import dev.fluent.plugin.devtools.internal.AuthoringCommandsService;
import dev.fluent.plugin.devtools.internal.DevToolsService;
import dev.fluent.plugin.devtools.internal.PluginRuns;
import dev.fluent.plugin.devtools.internal.local.LocalRuns;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.inspect.PluginInspection;
import dev.fluent.plugin.runtime.internal.load.TrustGate;
import dev.fluent.plugin.trust.internal.FileSigner;
import dev.fluent.plugin.trust.internal.FolderTrustStore;
import dev.fluent.plugin.trust.internal.PolicyConfig;
import dev.fluent.plugin.trust.internal.TrustConfig;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import dev.fluent.plugin.verifier.rsa.internal.RsaVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.osgi.util.converter.Converter;
import org.osgi.util.converter.Converters;

/**
 * The platform's components outside OSGi, built with {@code new} as Declarative Services wires them in Karaf:
 * the manifest parser; a trust store holding the keys given (in a temporary folder of its own) with both
 * signature verifiers; the runtime's inspector, whose sandbox serves every capability with the host test kit's
 * fakes exactly as in Karaf (no network, no files outside a temporary folder, no environment or configuration
 * values); the devtools, the signer and the {@link AuthoringCommands} on top. Its {@code run} differs from the
 * shell's on purpose: with the author's local policy ({@link LocalRunOptions}) it runs the plugin on the
 * platform's real capability providers, built here as Declarative Services builds them, under the runtime's
 * own policy rules; without one, on the sandbox's fakes as in Karaf. Configurations are the typed ones the
 * components declare, converted from maps as Declarative Services converts them: same keys, same defaults.
 * Close it to stop the inspector's and the trust store's threads and delete the temporary folder.
 */
public final class StandalonePlatform implements AutoCloseable {

    /** The platform's configuration PID's key for development mode ({@code etc/dev.fluent.plugin.cfg}). */
    private static final String DEVELOPMENT_MODE = "development.mode";

    private final ManifestParser parser = new JsonManifestParser();
    private final PluginSigner signer = new FileSigner(parser);
    private final Path trustFolder;
    private final FolderTrustStore trust;
    private final PluginInspection inspection;
    private final PluginDevTools devtools;
    private final AuthoringCommands commands;

    private StandalonePlatform(List<Path> trustedKeys, boolean developmentMode, Path policyFile,
            LocalRunOptions runOptions) {
        Map<String, Object> platformConfig = policy(policyFile);
        if (developmentMode || policyFile == null) {
            platformConfig.put(DEVELOPMENT_MODE, Boolean.toString(developmentMode));
        }
        trustFolder = keysFolder(trustedKeys);
        Map<String, Object> trustConfig = Map.of(
                "trusted.keys.dir", trustFolder.resolve("trusted-keys").toString(),
                "development.keys.dir", trustFolder.resolve("development-keys").toString(),
                "scan.interval.seconds", "3600");
        Converter configs = Converters.standardConverter();
        trust = new FolderTrustStore(configs.convert(trustConfig).to(TrustConfig.class),
                configs.convert(Map.of()).to(PolicyConfig.class));
        Ed25519Verifier ed25519 = new Ed25519Verifier();
        ed25519.activate();
        trust.addVerifier(ed25519);
        trust.addVerifier(new RsaVerifier());
        inspection = new PluginInspection(parser, platformConfig);
        inspection.setTrustStore(trust);
        devtools = new DevToolsService(inspection, parser);
        PluginRuns runs = new LocalRuns(PluginRuns.inSandbox(inspection), runOptions.policy(), runOptions.fakes(),
                runOptions.notes(), platformConfig, parser, trust, TrustGate.developmentMode(platformConfig));
        commands = new AuthoringCommandsService(devtools, inspection, signer, runs);
    }

    /**
     * @param trustedKeys public key PEM files whose signatures verify
     * @param developmentMode whether an unsigned plugin loads, as with {@code development.mode = true} on the
     *        platform; {@code false} leaves it to {@code policyFile}
     * @param policyFile an operator's {@code etc/dev.fluent.plugin.cfg} (caps, forbidden capabilities, hosts,
     *        folders, development mode), or {@code null} for the defaults in production mode
     * @throws UncheckedIOException when a key or the policy file cannot be read
     */
    public static StandalonePlatform start(List<Path> trustedKeys, boolean developmentMode, Path policyFile) {
        return start(trustedKeys, developmentMode, policyFile, LocalRunOptions.defaults());
    }

    /**
     * As {@link #start(List, boolean, Path)}, with {@code run} serving capabilities as {@code runOptions} says:
     * the real providers under a local policy, or the fakes.
     *
     * @since 1.1
     */
    public static StandalonePlatform start(List<Path> trustedKeys, boolean developmentMode, Path policyFile,
            LocalRunOptions runOptions) {
        return new StandalonePlatform(List.copyOf(trustedKeys), developmentMode, policyFile, runOptions);
    }

    /** Nothing trusted, production mode, the default policy: enough to create, keygen and sign. */
    public static StandalonePlatform start() {
        return start(List.of(), false, null);
    }

    public AuthoringCommands commands() {
        return commands;
    }

    public PluginDevTools devtools() {
        return devtools;
    }

    public PluginInspector inspector() {
        return inspection;
    }

    public PluginSigner signer() {
        return signer;
    }

    public TrustStore trustStore() {
        return trust;
    }

    public ManifestParser parser() {
        return parser;
    }

    @Override
    public void close() {
        inspection.close();
        trust.deactivate();
        try (Stream<Path> files = Files.walk(trustFolder)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the system cleans it eventually
        }
    }

    private static Map<String, Object> policy(Path policyFile) {
        Map<String, Object> config = new HashMap<>();
        if (policyFile != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(policyFile)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the policy file " + policyFile, e);
            }
            p.forEach((k, v) -> config.put(k.toString(), v.toString().trim()));
        }
        return config;
    }

    /** A temporary folder whose {@code trusted-keys} holds a copy of each key. */
    private static Path keysFolder(List<Path> trustedKeys) {
        try {
            Path folder = Files.createTempDirectory("fluent-plugin-trust");
            Path keys = Files.createDirectories(folder.resolve("trusted-keys"));
            int n = 0;
            for (Path key : trustedKeys) {
                Files.copy(key, keys.resolve("key-" + (n++) + ".pem"));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
