package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.TrustListener;
import dev.fluent.plugin.api.spi.TrustedKey;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import dev.fluent.plugin.verifier.rsa.internal.RsaVerifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The trusted keys folder, revocation, development keys, and the checks of {@code verify}. */
class FolderTrustStoreTest {

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final FileSigner signer = new FileSigner(parser);
    private final Ed25519Verifier ed25519 = new Ed25519Verifier();
    private final List<String> changes = new ArrayList<>();
    private final Map<String, Object> config = new HashMap<>();
    private FolderTrustStore trust;
    private Path trusted;
    private Path development;
    private Path plugin;
    private GeneratedKeyPair key;

    @BeforeEach
    void setUp() throws Exception {
        trusted = temp.resolve("trusted");
        development = temp.resolve("development");
        config.put(TrustSettings.TRUSTED_KEYS_DIR, trusted.toString());
        config.put(TrustSettings.DEVELOPMENT_KEYS_DIR, development.toString());
        trust = new FolderTrustStore(TrustSettings.from(TrustSettingsTest.config(config), TrustSettingsTest.policy(config)),
                false);
        trust.addVerifier(ed25519);
        trust.addVerifier(new RsaVerifier());
        trust.addListener((keyId, change) -> changes.add(change + " " + keyId));
        plugin = temp.resolve("plugin");
        Files.createDirectories(plugin);
        Files.writeString(plugin.resolve("manifest.json"), FileSignerTest.MANIFEST);
        Files.write(plugin.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        key = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        signer.sign(key.privateKeyFile(), plugin);
    }

    @AfterEach
    void tearDown() {
        trust.deactivate();
    }

    /** Hands {@link #config} to the store as Declarative Services does on a configuration change. */
    private void reconfigure() {
        trust.reconfigure(TrustSettingsTest.config(config), TrustSettingsTest.policy(config));
    }

    private TrustedKey verify() throws Exception {
        return verify(Files.readString(plugin.resolve("manifest.json")));
    }

    private TrustedKey verify(String json) throws Exception {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        PluginManifest manifest = parser.parse(bytes);
        return trust.verify(manifest, parser.signedContent(bytes));
    }

    /** The plugin's signature as signed in {@link #setUp}. */
    private String signature() throws Exception {
        return parser.parse(Files.readAllBytes(plugin.resolve("manifest.json"))).signature();
    }

    /** The plugin's manifest with another signature. */
    private String withSignature(String signature) throws Exception {
        return Files.readString(plugin.resolve("manifest.json")).replace(signature(), signature);
    }

    private static PluginException failsWith(ErrorCode code, Executable action) {
        PluginException e = assertThrows(PluginException.class, action::run);
        assertEquals(code, e.code(), e::toString);
        return e;
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void verifiesASignatureByATrustedKey() throws Exception {
        trust.add(key.publicKeyFile());
        TrustedKey signer = verify();
        assertEquals(key.keyId(), signer.keyId());
        assertEquals("ed25519", signer.algorithm());
        assertEquals(trusted.resolve(key.keyId() + ".pem"), signer.file());
        assertEquals(List.of("TRUSTED " + key.keyId()), changes);
    }

    @Test
    void refusesAnUntrustedKeyNamingTheFix() {
        PluginException e = failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
        assertEquals("sample", e.pluginId());
        assertTrue(e.getMessage().contains("signed by key " + key.keyId()), e.getMessage());
        assertTrue(e.getMessage().contains("plugin:trust add"), e.getMessage());
    }

    @Test
    void aKeyFileDroppedIntoTheFolderCountsAtOnceAndItsRemovalToo() throws Exception {
        Files.createDirectories(trusted);
        Path file = Files.copy(key.publicKeyFile(), trusted.resolve("alice.pem"));
        assertEquals(key.keyId(), verify().keyId());
        Files.delete(file);
        failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
        assertEquals(List.of("TRUSTED " + key.keyId(), "UNTRUSTED " + key.keyId()), changes);
    }

    @Test
    void removeDeletesEveryFileHoldingTheKey() throws Exception {
        trust.add(key.publicKeyFile());
        Files.copy(key.publicKeyFile(), trusted.resolve("copy.pem"));
        TrustedKey removed = trust.remove(key.keyId());
        assertEquals(key.keyId(), removed.keyId());
        assertTrue(trust.keys().isEmpty());
        failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
        failsWith(ErrorCode.KEY_UNTRUSTED, () -> trust.remove(key.keyId()));
        assertEquals(List.of("TRUSTED " + key.keyId(), "UNTRUSTED " + key.keyId()), changes);
    }

    @Test
    void addingTheSameKeyTwiceChangesNothing() throws Exception {
        trust.add(key.publicKeyFile());
        trust.add(key.publicKeyFile());
        assertEquals(1, trust.keys().size());
        try (var files = Files.list(trusted)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aRevokedKeyVerifiesNothingEvenWithItsFilePresent() throws Exception {
        trust.add(key.publicKeyFile());
        config.put(TrustSettings.REVOKED_KEYS, "0123456789abcdef0123456789abcdef, " + key.keyId().toUpperCase());
        reconfigure();
        PluginException e = failsWith(ErrorCode.KEY_REVOKED, this::verify);
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        assertTrue(trust.keys().get(0).revoked());
        assertEquals(Set.of("0123456789abcdef0123456789abcdef", key.keyId()), trust.revokedKeyIds());
        assertTrue(changes.contains("REVOKED " + key.keyId()), changes::toString);
        config.remove(TrustSettings.REVOKED_KEYS);
        reconfigure();
        verify();
        assertTrue(changes.contains("REINSTATED " + key.keyId()), changes::toString);
    }

    @Test
    void aMapOfBothPidsConfiguresTheStoreAsDeclarativeServicesWould() throws Exception {
        trust.add(key.publicKeyFile());
        config.put("revoked.keys", key.keyId());
        config.put("development.mode", "true");
        trust.modified(config);
        assertEquals(Set.of(key.keyId()), trust.revokedKeyIds());
        failsWith(ErrorCode.KEY_REVOKED, this::verify);
    }

    @Test
    void revokeSavesTheListThroughConfigAdminWhenNoFileHoldsItAndTakesEffectAtOnce() throws Exception {
        trust.add(key.publicKeyFile());
        Dictionary<String, Object> saved = new Hashtable<>();
        saved.put(TrustSettings.REVOKED_KEYS, "0123456789abcdef0123456789abcdef");
        trust.setConfigurationAdmin(configAdmin(saved));
        trust.revoke(key.keyId());
        assertEquals("0123456789abcdef0123456789abcdef," + key.keyId(), saved.get(TrustSettings.REVOKED_KEYS));
        failsWith(ErrorCode.KEY_REVOKED, this::verify);
        assertTrue(changes.contains("REVOKED " + key.keyId()), changes::toString);
        failsWith(ErrorCode.KEY_INVALID, () -> trust.revoke("not-a-key-id"));
    }

    @Test
    void revokeWritesTheConfigurationFileWhenThereIsOneAndKeepsEarlierRevocationsNotYetInConfigAdmin()
            throws Exception {
        trust.add(key.publicKeyFile());
        Path file = Files.writeString(temp.resolve(TrustSettings.PID + ".cfg"),
                "# the operator's comment\nrevoked.keys = 0123456789abcdef0123456789abcdef\n"
                        + "scan.interval.seconds = 2\n");
        Dictionary<String, Object> saved = new Hashtable<>();
        saved.put(TrustSettings.REVOKED_KEYS, "0123456789abcdef0123456789abcdef");
        saved.put(ConfigFile.FILE_PROPERTY, file.toUri().toString());
        trust.setConfigurationAdmin(configAdmin(saved));
        trust.revoke("fedcba9876543210fedcba9876543210");
        trust.revoke(key.keyId());
        assertEquals("# the operator's comment\nrevoked.keys = 0123456789abcdef0123456789abcdef," + key.keyId()
                + ",fedcba9876543210fedcba9876543210\nscan.interval.seconds = 2\n", Files.readString(file));
        assertEquals("0123456789abcdef0123456789abcdef", saved.get(TrustSettings.REVOKED_KEYS),
                "Config Admin is left to the file watcher");
        failsWith(ErrorCode.KEY_REVOKED, this::verify);
        assertTrue(changes.contains("REVOKED " + key.keyId()), changes::toString);
    }

    @Test
    void aRevocationStaysThroughConfigurationsThatArriveBeforeTheSavedListThenTheConfigurationDecides()
            throws Exception {
        trust.add(key.publicKeyFile());
        Dictionary<String, Object> saved = new Hashtable<>();
        trust.setConfigurationAdmin(configAdmin(saved));
        trust.revoke(key.keyId());
        config.put("development.mode", "true");
        reconfigure();
        assertEquals(Set.of(key.keyId()), trust.revokedKeyIds(), "a configuration from before the revocation");
        failsWith(ErrorCode.KEY_REVOKED, this::verify);

        config.put("revoked.keys", key.keyId());
        reconfigure();
        config.put("revoked.keys", "");
        reconfigure();
        assertEquals(Set.of(), trust.revokedKeyIds(), "the operator took it off the saved list");
        verify();
        assertEquals(List.of("TRUSTED " + key.keyId(), "REVOKED " + key.keyId(), "REINSTATED " + key.keyId()),
                changes);
    }

    @Test
    void aRevocationTheFileLostBeforeConfigAdminReadItIsSavedAgainUntilAConfigurationHoldsIt() throws Exception {
        trust.add(key.publicKeyFile());
        Path file = Files.writeString(temp.resolve(TrustSettings.PID + ".cfg"), "revoked.keys =\n");
        Dictionary<String, Object> saved = new Hashtable<>();
        saved.put(ConfigFile.FILE_PROPERTY, file.toUri().toString());
        trust.setConfigurationAdmin(configAdmin(saved));
        trust.revoke(key.keyId());
        // The file watcher writes back the configuration it read before the revocation.
        Files.writeString(file, "revoked.keys =\n");
        trust.keepRevocations();
        assertEquals("revoked.keys = " + key.keyId() + "\n", Files.readString(file));

        config.put("revoked.keys", key.keyId());
        reconfigure();
        Files.writeString(file, "revoked.keys =\n"); // now the operator reinstates it
        trust.keepRevocations();
        assertEquals("revoked.keys =\n", Files.readString(file));
    }

    @Test
    void revokeWithoutConfigAdminSaysWhereToWriteIt() {
        PluginException e = failsWith(ErrorCode.INTERNAL, () -> trust.revoke(key.keyId()));
        assertTrue(e.getMessage().contains("revoked.keys"), e.getMessage());
    }

    @Test
    void developmentKeysAreTrustedOnlyInDevelopmentMode() throws Exception {
        Files.createDirectories(development);
        Files.copy(key.publicKeyFile(), development.resolve("dev.pem"));
        PluginException e = failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
        assertTrue(e.getMessage().contains("development key"), e.getMessage());
        assertTrue(e.getMessage().contains("development.mode=true"), e.getMessage());

        config.put(TrustSettings.DEVELOPMENT_MODE, "true");
        reconfigure();
        TrustedKey signer = verify();
        assertTrue(signer.development());
        PluginException notRemovable = failsWith(ErrorCode.KEY_UNTRUSTED, () -> trust.remove(key.keyId()));
        assertTrue(notRemovable.getMessage().contains("development mode"), notRemovable.getMessage());

        config.put(TrustSettings.DEVELOPMENT_MODE, "false");
        reconfigure();
        failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
        assertEquals(List.of("TRUSTED " + key.keyId(), "UNTRUSTED " + key.keyId()), changes);
    }

    @Test
    void aStoppedVerifierMakesItsAlgorithmUnavailableUntilItIsBack() throws Exception {
        trust.add(key.publicKeyFile());
        trust.removeVerifier(ed25519);
        PluginException e = failsWith(ErrorCode.ALGORITHM_UNAVAILABLE, this::verify);
        assertTrue(e.getMessage().contains("no ed25519 verifier is running"), e.getMessage());
        trust.addVerifier(ed25519);
        verify();
    }

    @Test
    void aVerifierNotYetBoundFailsTheVerifyAtOnceAndTheNextVerifyOnceItIsBoundSucceeds() throws Exception {
        // As Declarative Services starts the store (running, scanning), before any verifier is bound.
        FolderTrustStore starting = new FolderTrustStore(TrustSettingsTest.config(config), TrustSettingsTest.policy(config));
        try {
            starting.add(key.publicKeyFile());
            byte[] json = Files.readAllBytes(plugin.resolve("manifest.json"));
            PluginManifest manifest = parser.parse(json);
            long begin = System.nanoTime();
            PluginException e = failsWith(ErrorCode.ALGORITHM_UNAVAILABLE,
                    () -> starting.verify(manifest, parser.signedContent(json)));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "the verify took " + took + "; it must not wait for a verifier");
            assertEquals("sample", e.pluginId());
            assertTrue(e.getMessage().contains("no ed25519 verifier is running"), e.getMessage());
            assertTrue(e.getMessage().contains("dev.fluent.plugin.verifier.ed25519"), e.getMessage());
            assertTrue(e.getMessage().contains("feature fluent-plugin-verifier-ed25519"), e.getMessage());

            starting.addVerifier(ed25519);
            assertEquals(key.keyId(), starting.verify(manifest, parser.signedContent(json)).keyId());
        } finally {
            starting.deactivate();
        }
    }

    /** With its key trusted, the plugin signed with {@code signature} fails with {@code code}, saying {@code says}. */
    private void assertSignatureRefused(String signature, ErrorCode code, String says) throws Exception {
        trust.add(key.publicKeyFile());
        PluginException e = failsWith(code, () -> verify(withSignature(signature)));
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void refusesAnUnknownAlgorithm() throws Exception {
        assertSignatureRefused(signature().replace("ed25519:", "ed448:"), ErrorCode.ALGORITHM_UNKNOWN, "'ed448'");
    }

    @Test
    void refusesASignatureWhoseAlgorithmIsNotTheKeys() throws Exception {
        assertSignatureRefused(signature().replace("ed25519:", "rsa:"), ErrorCode.SIGNATURE_INVALID, "is an ed25519 key");
    }

    @Test
    void callsATruncatedSignatureMalformed() throws Exception {
        String signature = signature();
        String truncated = signature.substring(0, signature.length() - 24); // whole base64 quanta: still decodes
        assertSignatureRefused(truncated, ErrorCode.SIGNATURE_MALFORMED, "64 bytes");
    }

    @Test
    void refusesABadSignatureOfTheRightLength() throws Exception {
        String signature = signature();
        String garbled = signature.substring(0, signature.lastIndexOf(':') + 1) + "A".repeat(86) + "==";
        assertSignatureRefused(garbled, ErrorCode.SIGNATURE_INVALID, "changed after signing");
    }

    @Test
    void refusesAWeakRsaKeyDroppedIntoTheFolder() throws Exception {
        KeyPair weak = TestKeys.rsa(2048);
        TestKeys.writePublic(weak, trusted, "weak");
        java.security.Signature pss = java.security.Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(weak.getPrivate());
        byte[] json = Files.readAllBytes(plugin.resolve("manifest.json"));
        pss.update(parser.signedContent(json));
        String signature = "rsa:" + TestKeys.keyId(weak) + ":" + java.util.Base64.getEncoder().encodeToString(pss.sign());
        PluginException e = failsWith(ErrorCode.KEY_TOO_WEAK, () -> verify(withSignature(signature)));
        assertTrue(e.getMessage().contains("2048 bits"), e.getMessage());
        failsWith(ErrorCode.KEY_TOO_WEAK, () -> trust.add(trusted.resolve("weak.pub.pem")));
    }

    @Test
    void addRefusesWhatIsNotAPublicKey() throws Exception {
        PluginException e = failsWith(ErrorCode.KEY_INVALID, () -> trust.add(key.privateKeyFile()));
        assertTrue(e.getMessage().contains("trust its public half"), e.getMessage());
        Path text = TestKeys.write(temp.resolve("notes.pem"), "hello");
        failsWith(ErrorCode.KEY_INVALID, () -> trust.add(text));
        Path ec = TestKeys.write(temp.resolve("ec.pem"), Pem.write(Pem.PUBLIC_KEY,
                java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded()));
        PluginException unsupported = failsWith(ErrorCode.KEY_INVALID, () -> trust.add(ec));
        assertTrue(unsupported.getMessage().contains("no running signature verifier accepts"), unsupported.getMessage());
        assertTrue(unsupported.getMessage().contains("ed25519, rsa"), unsupported.getMessage());
    }

    @Test
    void ignoresPrivateKeysAndJunkInTheFolder() throws Exception {
        Files.createDirectories(trusted);
        Files.copy(key.privateKeyFile(), trusted.resolve("oops.pem"));
        TestKeys.write(trusted.resolve("junk.pem"), "not a key");
        TestKeys.write(trusted.resolve("README"), "notes");
        assertTrue(trust.keys().isEmpty());
        failsWith(ErrorCode.KEY_UNTRUSTED, this::verify);
    }

    @Test
    void listsKeysWithTheirDescription() throws Exception {
        trust.add(key.publicKeyFile());
        GeneratedKeyPair rsa = signer.generateKeyPair(PluginSigner.RSA, temp.resolve("rsa"));
        trust.add(rsa.publicKeyFile());
        List<String> described = trust.keys().stream().map(k -> k.keyId() + " " + k.description()).sorted().toList();
        List<String> expected = new ArrayList<>(List.of(key.keyId() + " Ed25519", rsa.keyId() + " RSA 3072-bit"));
        expected.sort(null);
        assertEquals(expected, described);
        assertFalse(trust.keys().get(0).revoked());
    }

    /** A Config Admin holding one configuration, whose properties are {@code saved}. */
    private static ConfigurationAdmin configAdmin(Dictionary<String, Object> saved) {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(FolderTrustStoreTest.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> saved;
                    case "update" -> {
                        assertEquals(null, saved.get(ConfigFile.FILE_PROPERTY),
                                "a configuration from a file is updated there");
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> update = (Dictionary<String, Object>) args[0];
                        saved.put(TrustSettings.REVOKED_KEYS, update.get(TrustSettings.REVOKED_KEYS));
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(FolderTrustStoreTest.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConfiguration")) {
                        assertEquals(TrustSettings.PID, args[0]);
                        return configuration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
