package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.verifier.ed25519.internal.Ed25519Verifier;
import dev.fluent.plugin.verifier.rsa.internal.RsaVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key generation and signing, checked by the trust store and the verifier bundles. */
class FileSignerTest {

    static final String MANIFEST = """
            {
              "name": "sample",
              "version": "1.2.3",
              "engine_type": "echo",
              "capabilities": [
                "LoggingAccess"
              ],
              "permissions": {
                "max_memory_mb": 16
              },
              "checksum": "0000000000000000000000000000000000000000000000000000000000000000",
              "created_at": "2026-01-01T00:00:00Z",
              "expires_at": "2036-01-01T00:00:00Z"
            }
            """;

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final FileSigner signer = new FileSigner(parser);
    private Path plugin;
    private FolderTrustStore trust;

    @BeforeEach
    void setUp() throws Exception {
        plugin = temp.resolve("plugin");
        Files.createDirectories(plugin);
        Files.writeString(plugin.resolve("manifest.json"), MANIFEST);
        Files.write(plugin.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        trust = new FolderTrustStore(new TrustSettings(temp.resolve("trusted"), temp.resolve("development"), false,
                Set.of(), 2), false);
        trust.addVerifier(new Ed25519Verifier());
        trust.addVerifier(new RsaVerifier());
    }

    private PluginManifest verify() throws Exception {
        byte[] json = Files.readAllBytes(plugin.resolve("manifest.json"));
        PluginManifest manifest = parser.parse(json);
        trust.verify(manifest, parser.signedContent(json));
        return manifest;
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
    void generatesAnEd25519PairWithAnOwnerOnlyPrivateKey() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        assertEquals("ed25519", pair.algorithm());
        assertEquals(temp.resolve("keys/private.pem"), pair.privateKeyFile());
        assertEquals(temp.resolve("keys/public.pem"), pair.publicKeyFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pair.privateKeyFile())));
        assertTrue(Files.readString(pair.privateKeyFile()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pair.publicKeyFile()).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals(pair.keyId(), trust.add(pair.publicKeyFile()).keyId());
    }

    @Test
    void keyIdIsTheFirst16BytesOfTheSha256OfTheSubjectPublicKeyInfo() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(null, temp.resolve("keys"));
        byte[] spki = Pem.read(Files.readString(pair.publicKeyFile()), Pem.PUBLIC_KEY, "test");
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(spki);
        assertEquals(HexFormat.of().formatHex(hash, 0, 16), pair.keyId());
        assertTrue(pair.keyId().matches("[0-9a-f]{32}"), pair.keyId());
    }

    @Test
    void neverOverwritesAKey() throws Exception {
        signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        String before = Files.readString(temp.resolve("keys/private.pem"));
        PluginException e = failsWith(ErrorCode.KEY_INVALID,
                () -> signer.generateKeyPair(PluginSigner.RSA, temp.resolve("keys")));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
        assertEquals(before, Files.readString(temp.resolve("keys/private.pem")));
    }

    @Test
    void refusesAnUnknownAlgorithm() {
        failsWith(ErrorCode.ALGORITHM_UNKNOWN, () -> signer.generateKeyPair("dsa", temp.resolve("keys")));
        assertFalse(Files.exists(temp.resolve("keys")));
    }

    @Test
    void signsTheChecksumAndEveryFieldAndKeepsTheLayout() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        trust.add(pair.publicKeyFile());
        PluginManifest signed = signer.sign(pair.privateKeyFile(), plugin);

        String checksum = FileSigner.sha256(plugin.resolve("plugin.wasm"));
        assertEquals(checksum, signed.checksum());
        assertTrue(signed.signature().startsWith("ed25519:" + pair.keyId() + ":"), signed.signature());
        String expected = MANIFEST.replace("0".repeat(64), checksum)
                .replace("\n  \"created_at\"", "\n  \"signature\": \"" + signed.signature() + "\",\n  \"created_at\"");
        assertEquals(expected, Files.readString(plugin.resolve("manifest.json")));
        assertEquals(signed, verify());
    }

    @Test
    void ed25519SigningIsReproducible() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        signer.sign(pair.privateKeyFile(), plugin);
        byte[] first = Files.readAllBytes(plugin.resolve("manifest.json"));
        signer.sign(pair.privateKeyFile(), plugin);
        assertArrayEquals(first, Files.readAllBytes(plugin.resolve("manifest.json")));
    }

    @Test
    void signsWithRsaPss() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.RSA, temp.resolve("keys"));
        assertEquals("RSA 3072-bit", trust.add(pair.publicKeyFile()).description());
        PluginManifest signed = signer.sign(pair.privateKeyFile(), plugin);
        assertTrue(signed.signature().startsWith("rsa:" + pair.keyId() + ":"), signed.signature());
        assertEquals(384, Base64.getDecoder().decode(signed.signature().split(":")[2]).length);
        verify();
    }

    @Test
    void signsWithKeysMadeElsewhere() throws Exception {
        KeyPair jdk = TestKeys.ed25519();
        Path key = TestKeys.writePrivate(jdk, temp, "jdk");
        trust.add(TestKeys.writePublic(jdk, temp, "jdk"));
        assertTrue(signer.sign(key, plugin).signature().contains(":" + TestKeys.keyId(jdk) + ":"));
        verify();
    }

    @Test
    void replacesAnEarlierSignatureAndChecksum() throws Exception {
        Files.writeString(plugin.resolve("manifest.json"), MANIFEST.replace("\"checksum\"",
                "\"signature\": \"\",\n  \"checksum\""));
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        trust.add(pair.publicKeyFile());
        signer.sign(pair.privateKeyFile(), plugin);
        verify();
    }

    @Test
    void refusesAWeakRsaKey() {
        Path key = TestKeys.writePrivate(TestKeys.rsa(2048), temp, "weak");
        PluginException e = failsWith(ErrorCode.KEY_TOO_WEAK, () -> signer.sign(key, plugin));
        assertTrue(e.getMessage().contains("2048 bits"), e.getMessage());
    }

    @Test
    void refusesAPublicKeyInsteadOfAPrivateOne() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        PluginException e = failsWith(ErrorCode.KEY_INVALID, () -> signer.sign(pair.publicKeyFile(), plugin));
        assertTrue(e.getMessage().contains("signing needs the private key"), e.getMessage());
    }

    @Test
    void refusesAnInvalidManifestNamingTheField() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        Files.writeString(plugin.resolve("manifest.json"), MANIFEST.replace("\"max_memory_mb\": 16",
                "\"max_memory_mb\": 16.5"));
        PluginException e = failsWith(ErrorCode.MANIFEST_INVALID, () -> signer.sign(pair.privateKeyFile(), plugin));
        assertTrue(e.getMessage().startsWith("permissions.max_memory_mb"), e.getMessage());
        Files.writeString(plugin.resolve("manifest.json"), "{\"name\": \"a\", \"name\": \"b\"}");
        e = failsWith(ErrorCode.MANIFEST_INVALID, () -> signer.sign(pair.privateKeyFile(), plugin));
        assertTrue(e.getMessage().contains("duplicate key"), e.getMessage());
    }

    @Test
    void refusesAFolderWithoutModule() throws Exception {
        GeneratedKeyPair pair = signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("keys"));
        Files.delete(plugin.resolve("plugin.wasm"));
        failsWith(ErrorCode.WASM_MISSING, () -> signer.sign(pair.privateKeyFile(), plugin));
        failsWith(ErrorCode.PLUGIN_NOT_FOUND, () -> signer.sign(pair.privateKeyFile(), temp.resolve("nowhere")));
    }

    @Test
    void theStandaloneToolSignsLikeTheService() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, SignTool.run(new String[] {"keygen", "--out", temp.resolve("keys").toString()}, o, e), err::toString);
        trust.add(temp.resolve("keys/public.pem"));
        assertEquals(0, SignTool.run(new String[] {"sign", "--key", temp.resolve("keys/private.pem").toString(),
                plugin.toString()}, o, e), err::toString);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Signed sample 1.2.3 with ed25519 key "),
                out::toString);
        verify();
        assertEquals(1, SignTool.run(new String[] {"sign", "--key", temp.resolve("missing.pem").toString(),
                plugin.toString()}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("KEY_INVALID: "), err::toString);
        assertEquals(2, SignTool.run(new String[] {"sign", plugin.toString()}, o, e));
    }
}
