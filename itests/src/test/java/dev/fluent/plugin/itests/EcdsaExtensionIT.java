package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustStore;
import dev.fluent.plugin.api.spi.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The extension kit's ECDSA P-256 bundle (examples/extensions/ecdsa) dropped into {@code deploy/} of the real
 * distribution: its signer makes a key and signs a plugin, the trust store takes the key, the plugin loads and
 * runs; once the jar is removed, a new load of it fails with ALGORITHM_UNAVAILABLE. No restart, no change to
 * the platform's bundles.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EcdsaExtensionIT extends PlatformTestSupport {

    private static final String ALGORITHM = "ecdsa-p256";
    private static final String FILTER = "(" + SignatureVerifier.ALGORITHM + "=" + ALGORITHM + ")";

    @Inject
    private PluginRegistry registry;

    @Inject
    private TrustStore trustStore;

    private boolean served(Class<?> type) {
        try {
            ServiceReference<?>[] references = bundleContext.getServiceReferences(type.getName(), FILTER);
            return references != null && references.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the echo example named {@code ecdsa-echo}, without its signature. */
    private Path unsignedEcho() throws Exception {
        Path folder = Files.createTempDirectory("ecdsa-it").resolve("ecdsa-echo");
        Files.createDirectories(folder);
        Files.copy(pluginFolder("echo").resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        String manifest = Files.readString(pluginFolder("echo").resolve("manifest.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"name\": \"[^\"]*\"", "\"name\": \"ecdsa-echo\"")
                .replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", "");
        Files.writeString(folder.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        return folder;
    }

    @Test
    public void aPluginSignedWithTheDroppedAlgorithmLoadsAndFailsAsUnavailableOnceTheBundleIsRemoved()
            throws Exception {
        Path jar = extensionJar("ecdsa");
        Path deployed = Paths.get(System.getProperty("karaf.base"), "deploy").resolve(jar.getFileName());
        Files.createDirectories(deployed.getParent());
        Files.copy(jar, deployed);
        Path plugin = unsignedEcho();
        String keyId = null;
        String exampleKeyId = null;
        try {
            waitUntil("the dropped verifier and signer registered",
                    () -> served(SignatureVerifier.class) && served(PluginSigner.class));
            Path keys = Files.createTempDirectory("ecdsa-key").resolve("signing");
            // The operator's path: the shell's keygen offers the dropped algorithm, sign reads its key.
            String generated = executeCommand("plugin:keygen --algorithm " + ALGORITHM + " --out " + keys);
            assertTrue(generated, generated.contains("Generated " + ALGORITHM + " key"));
            TrustedKey trusted = trustStore.add(keys.resolve(PluginSigner.PUBLIC_KEY_FILE));
            keyId = trusted.keyId();
            assertEquals(ALGORITHM, trusted.algorithm());
            assertTrue(generated, generated.contains(keyId));
            String signed = executeCommand("plugin:sign --key " + keys.resolve(PluginSigner.PRIVATE_KEY_FILE) + " "
                    + plugin);
            assertTrue(signed, signed.contains("with " + ALGORITHM + " key " + keyId));

            assertEquals(keyId, registry.load(plugin, false).manifest().signatureKeyId());
            assertEquals("signed", registry.execute("ecdsa-echo", EngineRequest.of("signed")).content());
            registry.unload("ecdsa-echo");

            // The kit's example plugin, signed with its committed example key.
            Path example = pluginFolder("extensions/ecdsa/example");
            exampleKeyId = trustStore.add(example.resolve("keys").resolve(PluginSigner.PUBLIC_KEY_FILE)).keyId();
            registry.load(example.resolve("echo-p256"), false);
            assertEquals("example", registry.execute("echo-p256", EngineRequest.of("example")).content());
            registry.unload("echo-p256");
        } finally {
            Files.deleteIfExists(deployed);
        }
        waitUntil("the removed verifier unregistered", () -> !served(SignatureVerifier.class));
        try {
            PluginException e = assertThrows(PluginException.class, () -> registry.load(plugin, false));
            assertEquals(ErrorCode.ALGORITHM_UNAVAILABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(ALGORITHM));
            Path example = pluginFolder("extensions/ecdsa/example").resolve("echo-p256");
            assertEquals(ErrorCode.ALGORITHM_UNAVAILABLE,
                    assertThrows(PluginException.class, () -> registry.load(example, false)).code());
        } finally {
            for (String id : new String[] {keyId, exampleKeyId}) {
                if (id != null) {
                    trustStore.remove(id);
                }
            }
        }
    }
}
