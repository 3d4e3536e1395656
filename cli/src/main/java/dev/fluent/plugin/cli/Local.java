package dev.fluent.plugin.cli;

import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.devtools.internal.DevToolsService;
import dev.fluent.plugin.host.logging.internal.LoggingConfig;
import dev.fluent.plugin.host.logging.internal.LoggingProvider;
import dev.fluent.plugin.host.metrics.internal.MetricsConfig;
import dev.fluent.plugin.host.metrics.internal.MetricsProvider;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.inspect.PluginInspection;
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
 * The platform's components outside OSGi, built with {@code new} as Declarative Services would wire them:
 * the manifest parser, a trust store holding the keys given with {@code --trust}, both verifiers, the
 * runtime's inspector (with the logging and metrics providers) and the developer tools on top.
 */
final class Local implements AutoCloseable {

    final ManifestParser parser = new JsonManifestParser();
    final FileSigner signer = new FileSigner(parser);
    final PluginInspection inspection;
    final DevToolsService devtools;
    private final FolderTrustStore trust;
    private final Path trustFolder;

    /**
     * @param trustedKeys public keys whose signatures verify
     * @param developmentMode whether unsigned plugins pass (never for validate's verdict in production)
     * @param policyFile an operator's {@code etc/dev.fluent.plugin.cfg}, or {@code null} for none
     */
    Local(List<Path> trustedKeys, boolean developmentMode, Path policyFile) {
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
        if (developmentMode) {
            config.put("development.mode", "true");
        } else if (policyFile == null) {
            config.put("development.mode", "false");
        }
        try {
            trustFolder = Files.createTempDirectory("fluent-plugin-trust");
            Path keys = Files.createDirectories(trustFolder.resolve("trusted-keys"));
            int n = 0;
            for (Path key : trustedKeys) {
                Files.copy(key, keys.resolve("key-" + (n++) + ".pem"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> trustConfig = new HashMap<>();
        trustConfig.put("trusted.keys.dir", trustFolder.resolve("trusted-keys").toString());
        trustConfig.put("development.keys.dir", trustFolder.resolve("development-keys").toString());
        trustConfig.put("scan.interval.seconds", "3600");
        // Typed configurations built from maps as Declarative Services builds them: same keys, same defaults.
        Converter configs = Converters.standardConverter();
        trust = new FolderTrustStore(configs.convert(trustConfig).to(TrustConfig.class),
                configs.convert(Map.of()).to(PolicyConfig.class));
        trust.addVerifier(new Ed25519Verifier());
        trust.addVerifier(new RsaVerifier());
        inspection = new PluginInspection(parser, config);
        inspection.setTrustStore(trust);
        inspection.addCapabilityProvider(new LoggingProvider(configs.convert(Map.of()).to(LoggingConfig.class)));
        inspection.addCapabilityProvider(new MetricsProvider(configs.convert(Map.of()).to(MetricsConfig.class)));
        devtools = new DevToolsService(inspection, parser);
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
}
