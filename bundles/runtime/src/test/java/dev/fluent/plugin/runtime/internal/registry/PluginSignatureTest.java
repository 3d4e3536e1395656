package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.load.IntegrityChecks;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import dev.fluent.plugin.runtime.internal.testing.Signing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signature step of the load path with signatures required (development mode off), through the real
 * trust store, verifiers and signer: every way a signed plugin can be wrong fails with its own code and
 * an audit entry, and trust withdrawn later unloads what it had let in.
 */
class PluginSignatureTest {

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private PluginRuntime runtime;
    private Signing signing;

    @BeforeEach
    void start() {
        runtime = new PluginRuntime(null, parser, clock, null);
        runtime.addAuditSink(audit::add);
        signing = new Signing();
        signing.attach(runtime);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
        signing.close();
    }

    /** A copy of the echo example, changed by {@code edit} and then signed with the development key. */
    private Path signedEcho(String name, Consumer<ObjectNode> edit) throws PluginException {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve(name));
        Fixtures.editManifest(folder, edit);
        signing.sign(folder);
        return folder;
    }

    private Path signedEcho(String name) throws PluginException {
        return signedEcho(name, m -> { });
    }

    /** Expects {@code load} to fail with {@code code}, audited as a failed load with that code. */
    private PluginException refused(ErrorCode code, Path folder) {
        PluginException e = assertThrows(PluginException.class, () -> runtime.load(folder));
        assertEquals(code, e.code(), e::toString);
        AuditEvent last = audit.get(audit.size() - 1);
        assertEquals("load", last.action());
        assertFalse(last.success());
        assertEquals(code.name(), last.details().get("code"));
        assertTrue(runtime.list().isEmpty(), "nothing registered");
        return e;
    }

    private static byte[] manifestBytes(Path folder) throws Exception {
        return Files.readAllBytes(folder.resolve("manifest.json"));
    }

    private static void setSignature(Path folder, String signature) {
        tamper(folder, m -> m.put("signature", signature));
    }

    /** Changes a signed manifest and leaves its signature as it was: what an attacker does. */
    private static void tamper(Path folder, Consumer<ObjectNode> edit) {
        try {
            Path file = folder.resolve("manifest.json");
            ObjectMapper json = new ObjectMapper();
            ObjectNode manifest = (ObjectNode) json.readTree(file.toFile());
            edit.accept(manifest);
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String signatureOf(Path folder) throws Exception {
        return new JsonManifestParser().parse(manifestBytes(folder)).signature();
    }

    // Loading signed plugins

    @Test
    void loadsTheSignedExamplesWithSignaturesRequired() throws Exception {
        PluginInfo info = runtime.load(Fixtures.echo());
        assertTrue(info.signed());
        assertEquals(Signing.DEVELOPMENT_KEY_ID, info.manifest().signatureKeyId());
        assertEquals("hi", runtime.execute("echo", EngineRequest.of("hi")).content());
        AuditEvent load = audit.stream().filter(e -> e.action().equals("load")).findFirst().orElseThrow();
        assertEquals(Signing.DEVELOPMENT_KEY_ID, load.details().get("signed_by"));
        runtime.load(Fixtures.hostile("trap"));
    }

    @Test
    void refusesAnUnsignedPlugin() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("unsigned"));
        Fixtures.editManifest(folder, m -> m.remove("signature"));
        PluginException e = refused(ErrorCode.SIGNATURE_MISSING, folder);
        assertTrue(e.getMessage().contains("development.mode=true"), e.getMessage());
    }

    @Test
    void loadsAnUnsignedPluginOnlyInDevelopmentModeAndMarksIt() throws Exception {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("unsigned"));
        Fixtures.editManifest(folder, m -> m.remove("signature"));
        runtime.configure(true, false);
        PluginInfo info = runtime.load(folder);
        assertFalse(info.signed());
        assertNull(info.manifest().signatureKeyId());
        assertEquals("unsigned", audit.stream().filter(e -> e.action().equals("load")).findFirst().orElseThrow()
                .details().get("signed_by"));
    }

    @Test
    void verifiesSignedPluginsInDevelopmentModeToo() throws Exception {
        runtime.configure(true, false);
        Path folder = signedEcho("tampered");
        tamper(folder, m -> m.withArray("capabilities").add("NetworkAccess"));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void refusesASignedPluginWhenNoTrustStoreRuns() throws Exception {
        runtime.unsetTrustStore(signing.trust);
        PluginException e = refused(ErrorCode.KEY_UNTRUSTED, Fixtures.echo());
        assertTrue(e.getMessage().contains("dev.fluent.plugin.trust"), e.getMessage());
    }

    // Tampering

    @Test
    void refusesATamperedModule() throws Exception {
        Path folder = signedEcho("echo");
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        wasm[wasm.length - 1] ^= 1;
        Files.write(folder.resolve("plugin.wasm"), wasm);
        refused(ErrorCode.CHECKSUM_MISMATCH, folder);
    }

    @Test
    void refusesCapabilitiesAddedAfterSigning() throws Exception {
        Path folder = signedEcho("echo");
        tamper(folder, m -> m.withArray("capabilities").add("NetworkAccess"));
        PluginException e = refused(ErrorCode.SIGNATURE_INVALID, folder);
        assertTrue(e.getMessage().contains("changed after signing"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_memory_mb", "max_execution_time_ms", "rate_limit_requests_per_minute"})
    void refusesLimitsRaisedAfterSigning(String limit) throws Exception {
        Path folder = signedEcho("echo");
        tamper(folder, m -> {
            ObjectNode permissions = m.with("permissions");
            permissions.put(limit, permissions.get(limit).intValue() * 2);
        });
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void refusesAHostAllowedAfterSigning() throws Exception {
        Path folder = signedEcho("echo");
        tamper(folder, m -> m.with("permissions").withArray("allowed_hosts").add("evil.example.com"));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void refusesAnExpiryExtendedAfterSigning() throws Exception {
        Path folder = signedEcho("echo");
        tamper(folder, m -> m.put("expires_at", "2099-01-01T00:00:00Z"));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
        tamper(folder, m -> m.remove("expires_at"));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void refusesAModuleSwappedWithAMatchingChecksumAfterSigning() throws Exception {
        Path folder = signedEcho("echo");
        byte[] other = Files.readAllBytes(Fixtures.hostile("trap").resolve("plugin.wasm"));
        Files.write(folder.resolve("plugin.wasm"), other);
        String checksum = sha256(other);
        tamper(folder, m -> m.put("checksum", checksum));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    // Keys

    @Test
    void refusesASignatureByAnUntrustedKey() throws Exception {
        GeneratedKeyPair stranger = signing.signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("stranger"));
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        signing.signer.sign(stranger.privateKeyFile(), folder);
        PluginException e = refused(ErrorCode.KEY_UNTRUSTED, folder);
        assertTrue(e.getMessage().contains(stranger.keyId()), e.getMessage());
        assertTrue(e.getMessage().contains("plugin:trust add"), e.getMessage());
    }

    @Test
    void refusesASignatureByARevokedKey() throws Exception {
        signing.revoke(Signing.DEVELOPMENT_KEY_ID);
        PluginException e = refused(ErrorCode.KEY_REVOKED, Fixtures.echo());
        assertTrue(e.getMessage().contains(Signing.DEVELOPMENT_KEY_ID), e.getMessage());
    }

    @Test
    void refusesAnRsaKeyBelow3072Bits() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair weak = generator.generateKeyPair();
        String spki = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(weak.getPublic().getEncoded());
        Files.writeString(signing.trustedKeys.resolve("weak.pem"),
                "-----BEGIN PUBLIC KEY-----\n" + spki + "\n-----END PUBLIC KEY-----\n");
        Path folder = signedEcho("echo");
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(weak.getPrivate());
        pss.update(parser.signedContent(manifestBytes(folder)));
        String keyId = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(weak.getPublic().getEncoded()), 0, 16);
        setSignature(folder, "rsa:" + keyId + ":" + Base64.getEncoder().encodeToString(pss.sign()));
        PluginException e = refused(ErrorCode.KEY_TOO_WEAK, folder);
        assertTrue(e.getMessage().contains("2048 bits"), e.getMessage());
    }

    @Test
    void loadsAPluginSignedWithA3072BitRsaKey() throws Exception {
        GeneratedKeyPair rsa = signing.signer.generateKeyPair(PluginSigner.RSA, temp.resolve("rsa"));
        signing.trust.add(rsa.publicKeyFile());
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        signing.signer.sign(rsa.privateKeyFile(), folder);
        assertEquals(rsa.keyId(), runtime.load(folder).manifest().signatureKeyId());
    }

    // Algorithms and the signature's form

    @Test
    void refusesAnUnknownAlgorithm() throws Exception {
        Path folder = signedEcho("echo");
        setSignature(folder, signatureOf(folder).replace("ed25519:", "ecdsa-p256:"));
        PluginException e = refused(ErrorCode.ALGORITHM_UNKNOWN, folder);
        assertTrue(e.getMessage().contains("'ecdsa-p256'"), e.getMessage());
    }

    @Test
    void aStoppedVerifierMakesItsPluginsUnloadableUntilItIsBack() throws Exception {
        GeneratedKeyPair rsa = signing.signer.generateKeyPair(PluginSigner.RSA, temp.resolve("rsa"));
        signing.trust.add(rsa.publicKeyFile());
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        signing.signer.sign(rsa.privateKeyFile(), folder);

        signing.trust.removeVerifier(signing.rsa);
        PluginException e = refused(ErrorCode.ALGORITHM_UNAVAILABLE, folder);
        assertTrue(e.getMessage().contains("no rsa verifier is running"), e.getMessage());
        runtime.load(Fixtures.hostile("trap")); // ed25519 plugins are not affected

        signing.trust.addVerifier(signing.rsa);
        runtime.load(folder);
    }

    @Test
    void refusesATruncatedSignature() throws Exception {
        Path folder = signedEcho("echo");
        String signature = signatureOf(folder);
        setSignature(folder, signature.substring(0, signature.length() - 24));
        PluginException e = refused(ErrorCode.SIGNATURE_MALFORMED, folder);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void refusesGarbledBase64() throws Exception {
        Path folder = signedEcho("echo");
        String signature = signatureOf(folder);
        setSignature(folder, signature.substring(0, signature.length() - 6) + "*!*!==");
        PluginException e = refused(ErrorCode.MANIFEST_INVALID, folder);
        assertTrue(e.getMessage().startsWith("signature: the base64 part"), e.getMessage());
        setSignature(folder, signature.substring(0, signature.length() - 1)); // not a multiple of 4
        refused(ErrorCode.MANIFEST_INVALID, folder);
    }

    @Test
    void refusesScrambledSignatureBytes() throws Exception {
        Path folder = signedEcho("echo");
        String signature = signatureOf(folder);
        int at = signature.lastIndexOf(':') + 10;
        char swapped = signature.charAt(at) == 'A' ? 'B' : 'A';
        setSignature(folder, signature.substring(0, at) + swapped + signature.substring(at + 1));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void refusesAPresentButEmptySignature() throws Exception {
        Path folder = signedEcho("echo");
        setSignature(folder, "");
        PluginException e = refused(ErrorCode.MANIFEST_INVALID, folder);
        assertTrue(e.getMessage().startsWith("signature: empty"), e.getMessage());
    }

    // Validity

    @Test
    void refusesAnExpiredSignedPlugin() throws Exception {
        Path folder = signedEcho("expired", m -> {
            m.put("created_at", "2020-01-01T00:00:00Z");
            m.put("expires_at", "2021-01-01T00:00:00Z");
        });
        refused(ErrorCode.EXPIRED, folder);
    }

    @Test
    void refusesASignedPluginNotValidYet() throws Exception {
        Path folder = signedEcho("future", m -> {
            m.put("created_at", "2099-01-01T00:00:00Z");
            m.put("expires_at", "2100-01-01T00:00:00Z");
        });
        refused(ErrorCode.NOT_YET_VALID, folder);
    }

    @Test
    void allowsFiveMinutesOfClockSkew() throws Exception {
        Instant now = clock.instant();
        Path folder = signedEcho("skewed", m -> {
            m.put("created_at", now.plus(Duration.ofMinutes(4)).toString());
            m.put("expires_at", now.minus(Duration.ofMinutes(4)).plus(Duration.ofDays(1)).toString());
        });
        runtime.load(folder);
    }

    // Canonical JSON

    @Test
    void refusesDuplicateKeysThatCouldHideAnUnsignedValue() throws Exception {
        Path folder = signedEcho("echo");
        String json = Files.readString(folder.resolve("manifest.json"));
        Files.writeString(folder.resolve("manifest.json"),
                json.replace("\"capabilities\": [],", "\"capabilities\": [],\n  \"capabilities\": [\"NetworkAccess\"],"));
        PluginException e = refused(ErrorCode.MANIFEST_INVALID, folder);
        assertTrue(e.getMessage().contains("duplicate key"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"16.0", "1.6e1", "16e0", "0x10", "016", "\"16\""})
    void refusesNumbersWrittenAnotherWay(String written) throws Exception {
        Path folder = signedEcho("echo");
        String json = Files.readString(folder.resolve("manifest.json"));
        assertTrue(json.contains("\"max_memory_mb\": 16,"));
        Files.writeString(folder.resolve("manifest.json"), json.replace("\"max_memory_mb\": 16,",
                "\"max_memory_mb\": " + written + ","));
        refused(ErrorCode.MANIFEST_INVALID, folder);
    }

    @Test
    void refusesASignatureOverTheFileInsteadOfItsCanonicalForm() throws Exception {
        Path folder = signedEcho("echo");
        KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String spki = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPublic().getEncoded());
        Files.writeString(signing.trustedKeys.resolve("other.pem"),
                "-----BEGIN PUBLIC KEY-----\n" + spki + "\n-----END PUBLIC KEY-----\n");
        String keyId = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()), 0, 16);
        Fixtures.editManifest(folder, m -> m.remove("signature"));
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initSign(pair.getPrivate());
        ed25519.update(manifestBytes(folder)); // the pretty-printed file, not RFC 8785
        setSignature(folder, "ed25519:" + keyId + ":" + Base64.getEncoder().encodeToString(ed25519.sign()));
        refused(ErrorCode.SIGNATURE_INVALID, folder);
    }

    @Test
    void keepsVerifyingWhenOnlyTheFormattingChanges() throws Exception {
        Path folder = signedEcho("echo");
        ObjectNode manifest = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(manifestBytes(folder));
        StringBuilder reordered = new StringBuilder("{ ");
        List<String> names = new ArrayList<>();
        manifest.fieldNames().forEachRemaining(names::add);
        Collections.reverse(names);
        for (int i = 0; i < names.size(); i++) {
            reordered.append(i == 0 ? "" : " ,\r\n\t").append('"').append(names.get(i)).append("\" : ")
                    .append(manifest.get(names.get(i)).toString().replace("echo", "\\u0065cho"));
        }
        Files.writeString(folder.resolve("manifest.json"), reordered.append(" }").toString(), StandardCharsets.UTF_8);
        assertEquals("echo", runtime.load(folder).id());
    }

    // Trust withdrawn from loaded plugins

    @Test
    void revokingAKeyUnloadsThePluginsItSignedAndAuditsIt() throws Exception {
        GeneratedKeyPair other = signing.signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("other"));
        signing.trust.add(other.publicKeyFile());
        Path trap = Fixtures.copy(Fixtures.hostile("trap"), temp.resolve("trap"));
        signing.signer.sign(other.privateKeyFile(), trap);
        runtime.load(Fixtures.echo());
        runtime.load(Fixtures.hostile("loop"));
        runtime.load(trap);
        int before = audit.size();

        signing.revoke(Signing.DEVELOPMENT_KEY_ID);

        assertEquals(List.of("hostile-trap"), runtime.list().stream().map(PluginInfo::id).toList());
        List<String> events = audit.subList(before, audit.size()).stream()
                .map(e -> e.action() + " " + e.pluginId() + " " + e.details().getOrDefault("reason",
                        e.details().getOrDefault("change", "")))
                .toList();
        assertEquals(List.of("trust  REVOKED", "unload echo KEY_REVOKED", "unload hostile-loop KEY_REVOKED"), events);
        assertEquals(Signing.DEVELOPMENT_KEY_ID, audit.get(before).resource());
        PluginException e = assertThrows(PluginException.class, () -> runtime.execute("echo", EngineRequest.of("x")));
        assertEquals(ErrorCode.NOT_LOADED, e.code());
    }

    @Test
    void removingAKeyFileUnloadsThePluginsItSigned() throws Exception {
        runtime.load(Fixtures.echo());
        Files.delete(signing.trustedKeys.resolve("development.pem"));
        signing.trust.keys(); // the background scan would notice within seconds; a lookup notices at once
        assertTrue(runtime.list().isEmpty());
        AuditEvent last = audit.get(audit.size() - 1);
        assertEquals("unload", last.action());
        assertEquals("KEY_UNTRUSTED", last.details().get("reason"));
    }

    @Test
    void unloadsAPluginThatExpiresWhileLoaded() throws Exception {
        Instant now = clock.instant();
        Path folder = signedEcho("short-lived", m -> {
            m.put("created_at", now.minus(Duration.ofDays(1)).toString());
            m.put("expires_at", now.plus(Duration.ofHours(1)).toString());
        });
        runtime.load(folder);
        runtime.load(Fixtures.hostile("trap"));
        runtime.revalidate();
        assertEquals(2, runtime.list().size());

        clock.advance(Duration.ofHours(1).plus(IntegrityChecks.CLOCK_SKEW).plusSeconds(1));
        runtime.revalidate();

        assertEquals(List.of("hostile-trap"), runtime.list().stream().map(PluginInfo::id).toList());
        AuditEvent last = audit.get(audit.size() - 1);
        assertEquals("unload", last.action());
        assertEquals("echo", last.pluginId());
        assertEquals("EXPIRED", last.details().get("reason"));
    }

    @Test
    void turningDevelopmentModeOffUnloadsUnsignedPlugins() throws Exception {
        runtime.configure(true, false);
        Path folder = Fixtures.copy(Fixtures.hostile("trap"), temp.resolve("unsigned"));
        Fixtures.editManifest(folder, m -> m.remove("signature"));
        runtime.load(folder);
        runtime.load(Fixtures.echo());

        runtime.configure(false, false);

        assertEquals(List.of("echo"), runtime.list().stream().map(PluginInfo::id).toList());
        assertEquals("SIGNATURE_MISSING", audit.get(audit.size() - 1).details().get("reason"));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
