package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.SignatureVerifier;
import dev.fluent.plugin.api.spi.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Signatures in the real distribution, with development mode off as in production: the operator trusts
 * the examples' key with plugin:trust add, signed examples load, every tampered variant is refused with its
 * own code, the RSA verifier bundle is stopped and started while the platform runs, and a key revoked
 * in the trust configuration takes its plugins with it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustIT extends PlatformTestSupport {

    /** Id of the development key, examples/keys/dev-signing-key.pem. */
    private static final String DEVELOPMENT_KEY_ID = "15c39e68cc27569911bc92aee39f03df";
    private static final String TRUST_PID = "dev.fluent.plugin.trust";
    private static final String RSA_BUNDLE = "dev.fluent.plugin.verifier.rsa";
    private static final Pattern SIGNATURE = Pattern.compile("\"signature\": \"([^\"]*)\"");

    /** Kept for the whole test: Config Admin is a service factory, and a released instance is unusable. */
    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private AuditLog auditLog;

    @Override
    protected boolean developmentMode() {
        return false;
    }

    @Before
    public void trustTheExamplesKey() {
        String out = run("plugin:trust add " + pluginFolder("keys").resolve("dev-signing-key.pub.pem"));
        assertTrue(out, out.contains(DEVELOPMENT_KEY_ID));
    }

    @After
    public void restore() throws Exception {
        Bundle rsa = platformBundles().get(RSA_BUNDLE);
        if (rsa.getState() != Bundle.ACTIVE) {
            rsa.start();
        }
        setRevokedKeys("");
        PluginRegistry registry = waitForService(PluginRegistry.class);
        for (var info : registry.list()) {
            registry.unload(info.id());
        }
    }

    @Test
    public void loadsTheSignedExampleAndListsItsSigner() {
        assertTrue(run("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));
        String list = run("plugin:list");
        assertTrue(list, list.contains(DEVELOPMENT_KEY_ID));
        assertEquals("hi\n", run("plugin:execute echo hi"));
        String keys = run("plugin:trust list");
        assertTrue(keys, keys.contains(DEVELOPMENT_KEY_ID) && keys.contains("Ed25519"));
    }

    @Test
    public void refusesAnUnsignedPluginOutsideDevelopmentMode() throws Exception {
        Path folder = copyOfEcho("unsigned");
        editManifest(folder, json -> json.replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", ""));
        String refused = failure("plugin:load " + folder);
        assertTrue(refused, refused.startsWith("SIGNATURE_MISSING"));
        assertTrue(refused, refused.contains("development.mode=true"));
    }

    @Test
    public void refusesEveryTamperedVariantWithItsOwnCode() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("CHECKSUM_MISMATCH", tamperedModule());
        expected.put("SIGNATURE_INVALID capabilities", tampered("caps", j -> j.replace("\"capabilities\": []",
                "\"capabilities\": [\"NetworkAccess\"]")));
        expected.put("SIGNATURE_INVALID permissions", tampered("perms", j -> j.replace("\"max_memory_mb\": 16",
                "\"max_memory_mb\": 4096")));
        expected.put("SIGNATURE_INVALID expiry", tampered("expiry", j -> j.replace("\"expires_at\": \"2036-",
                "\"expires_at\": \"2096-")));
        expected.put("SIGNATURE_INVALID checksum", swappedModule());
        expected.put("SIGNATURE_MALFORMED", tampered("truncated", j -> signature(j, s -> s.substring(0, s.length() - 24))));
        expected.put("ALGORITHM_UNKNOWN", tampered("algorithm", j -> signature(j, s -> s.replace("ed25519:", "ed448:"))));
        expected.put("MANIFEST_INVALID", tampered("empty", j -> signature(j, s -> "")));
        expected.put("KEY_UNTRUSTED", signedByAStranger());
        for (Map.Entry<String, String> variant : expected.entrySet()) {
            String code = variant.getKey().split(" ")[0];
            String refused = failure("plugin:load " + variant.getValue());
            assertTrue(variant.getKey() + ": " + refused, refused.startsWith(code + ": "));
        }
        assertTrue(waitForService(PluginRegistry.class).list().isEmpty());
        List<String> audited = auditLog.query(AuditQuery.builder().pluginId("echo").action("load").failedOnly(true)
                .limit(50).build()).stream().map(r -> r.details().get("code")).collect(Collectors.toList());
        for (String code : List.of("CHECKSUM_MISMATCH", "SIGNATURE_INVALID", "SIGNATURE_MALFORMED", "ALGORITHM_UNKNOWN",
                "MANIFEST_INVALID", "KEY_UNTRUSTED")) {
            assertTrue(code + " audited: " + audited, audited.contains(code));
        }
    }

    @Test
    public void stoppingTheRsaVerifierMakesRsaSignedPluginsUnloadableUntilItStartsAgain() throws Exception {
        Path keys = Files.createTempDirectory("rsa-key").resolve("keys");
        String generated = run("plugin:keygen --algorithm rsa --out " + keys);
        assertTrue(generated, generated.startsWith("Generated rsa key"));
        run("plugin:trust add " + keys.resolve("public.pem"));
        Path folder = copyOfEcho("rsa");
        editManifest(folder, j -> j.replace("\"name\": \"echo\"", "\"name\": \"echo-rsa\""));
        String signed = run("plugin:sign --key " + keys.resolve("private.pem") + " " + folder);
        assertTrue(signed, signed.startsWith("Signed echo-rsa 1.0.0 with rsa key"));

        Bundle rsa = platformBundles().get(RSA_BUNDLE);
        rsa.stop();
        String refused = failure("plugin:load " + folder);
        assertTrue(refused, refused.startsWith("ALGORITHM_UNAVAILABLE: "));
        assertTrue(refused, refused.contains("no rsa verifier is running"));
        assertTrue(run("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));

        rsa.start();
        assertNotNull(waitForService(SignatureVerifier.class, "(" + SignatureVerifier.ALGORITHM + "=rsa)",
                DEFAULT_TIMEOUT_MILLIS));
        assertTrue(run("plugin:load " + folder).startsWith("Loaded echo-rsa"));
    }

    @Test
    public void revokingAKeyInTheTrustConfigurationUnloadsThePluginsItSigned() throws Exception {
        Path keys = Files.createTempDirectory("other-key").resolve("keys");
        run("plugin:keygen --out " + keys);
        run("plugin:trust add " + keys.resolve("public.pem"));
        Path other = copyOfEcho("other");
        editManifest(other, j -> j.replace("\"name\": \"echo\"", "\"name\": \"echo-other\""));
        run("plugin:sign --key " + keys.resolve("private.pem") + " " + other);
        run("plugin:load " + pluginFolder("echo"));
        run("plugin:load " + other);
        PluginRegistry registry = waitForService(PluginRegistry.class);

        setRevokedKeys(DEVELOPMENT_KEY_ID);

        waitUntil("echo unloaded", () -> registry.find("echo").isEmpty());
        assertTrue("a plugin signed by another key stays", registry.find("echo-other").isPresent());
        String refused = failure("plugin:load " + pluginFolder("echo"));
        assertTrue(refused, refused.startsWith("KEY_REVOKED: "));
        List<AuditRecord> unloads = auditLog.query(
                AuditQuery.builder().pluginId("echo").action("unload").limit(1).build());
        assertEquals("KEY_REVOKED", unloads.get(0).details().get("reason"));
        String keysList = run("plugin:trust list");
        assertTrue(keysList, keysList.contains("REVOKED"));

        setRevokedKeys("");
        assertFalse(run("plugin:trust list").contains("REVOKED"));
        assertTrue(run("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));
    }

    @Test
    public void aKeyRevokedFromTheShellIsSavedInTheTrustConfigurationFileAndReachesConfigAdmin() throws Exception {
        assertTrue(run("plugin:load " + pluginFolder("echo")).startsWith("Loaded echo"));
        PluginRegistry registry = waitForService(PluginRegistry.class);
        Path file = Path.of(System.getProperty("karaf.etc"), TRUST_PID + ".cfg");
        String before = Files.readString(file, StandardCharsets.ISO_8859_1);

        run("plugin:trust revoke " + DEVELOPMENT_KEY_ID);

        assertTrue("the revocation takes effect at once", registry.find("echo").isEmpty());
        String after = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(after, after.contains("revoked.keys = " + DEVELOPMENT_KEY_ID + "\n"));
        assertEquals("only the revocation list changed", before.lines().filter(l -> !l.startsWith("revoked.keys"))
                .toList(), after.lines().filter(l -> !l.startsWith("revoked.keys")).toList());
        waitUntil("Config Admin reads the revocation from the file", () -> {
            try {
                Object saved = configurationAdmin.getConfiguration(TRUST_PID, null).getProperties().get("revoked.keys");
                return DEVELOPMENT_KEY_ID.equals(String.valueOf(saved));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String refused = failure("plugin:load " + pluginFolder("echo"));
        assertTrue(refused, refused.startsWith("KEY_REVOKED: "));
    }

    @Test
    public void aPluginIdCannotChangeHandsOrGoBackAVersionButTheOperatorCanDoBothOnPurpose() throws Exception {
        Path devKey = pluginFolder("keys").resolve("dev-signing-key.pem");
        Path v2 = ownedEcho("v2", "2.0.0", devKey);
        assertTrue(run("plugin:load " + v2).startsWith("Loaded owned-echo"));
        Path keys = Files.createTempDirectory("new-owner").resolve("keys");
        run("plugin:keygen --out " + keys);
        Matcher added = Pattern.compile("key ([0-9a-f]{32})").matcher(run("plugin:trust add " + keys.resolve("public.pem")));
        assertTrue(added.find());
        String strangerKey = added.group(1);
        Path takeover = ownedEcho("takeover", "3.0.0", keys.resolve("private.pem"));

        String refused = failure("plugin:reload owned-echo " + takeover);
        assertTrue(refused, refused.startsWith("OWNER_MISMATCH: ") && refused.contains(DEVELOPMENT_KEY_ID)
                && refused.contains(strangerKey));
        AuditRecord entry = auditLog.query(AuditQuery.builder().pluginId("owned-echo").action("reload").limit(1)
                .build()).get(0);
        assertFalse(entry.success());
        assertEquals(DEVELOPMENT_KEY_ID, entry.details().get("owner"));
        assertEquals(strangerKey, entry.details().get("signed_by"));

        Path v1 = ownedEcho("v1", "1.0.0", devKey);
        assertTrue(failure("plugin:reload owned-echo " + v1).startsWith("DOWNGRADE: "));
        assertEquals("2.0.0", waitForService(PluginRegistry.class).find("owned-echo").orElseThrow().manifest().version());
        assertTrue(run("plugin:rollback owned-echo " + v1).startsWith("Rolled owned-echo back to 1.0.0"));
        assertEquals("still serving\n", run("plugin:execute owned-echo \"still serving\""));
        String owners = run("plugin:owner owned-echo");
        assertTrue(owners, owners.contains(DEVELOPMENT_KEY_ID) && owners.contains("1.0.0"));

        run("plugin:owner --transfer " + strangerKey + " owned-echo");
        assertTrue("the previous owner's version is unloaded",
                waitForService(PluginRegistry.class).find("owned-echo").isEmpty());
        assertTrue(run("plugin:load " + takeover).startsWith("Loaded owned-echo"));
        List<AuditRecord> owner = auditLog.query(AuditQuery.builder().pluginId("owned-echo").action("owner").build());
        assertTrue(owner.toString(), owner.stream().anyMatch(r -> "transferred".equals(r.details().get("change"))
                && strangerKey.equals(r.details().get("to"))));
    }

    /** A copy of echo named owned-echo at {@code version}, signed with {@code key}. */
    private Path ownedEcho(String folderName, String version, Path key) throws Exception {
        Path folder = copyOfEcho(folderName);
        editManifest(folder, j -> j.replace("\"name\": \"echo\"", "\"name\": \"owned-echo\"")
                .replace("\"version\": \"1.0.0\"", "\"version\": \"" + version + "\""));
        run("plugin:sign --key " + key + " " + folder);
        return folder;
    }

    // Variants of the echo example

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Path copyOfEcho(String name) throws IOException {
        Path folder = Files.createTempDirectory("trust-it").resolve(name);
        Files.createDirectories(folder);
        Files.copy(pluginFolder("echo").resolve("manifest.json"), folder.resolve("manifest.json"));
        Files.copy(pluginFolder("echo").resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        return folder;
    }

    private interface Edit {
        String apply(String json) throws Exception;
    }

    private static void editManifest(Path folder, Edit edit) throws Exception {
        Path file = folder.resolve("manifest.json");
        String before = Files.readString(file, StandardCharsets.UTF_8);
        String after = edit.apply(before);
        assertFalse("the edit changed nothing", before.equals(after));
        Files.writeString(file, after, StandardCharsets.UTF_8);
    }

    /** A signed copy of echo, changed after signing. */
    private String tampered(String name, Edit edit) throws Exception {
        Path folder = copyOfEcho(name);
        editManifest(folder, edit);
        return folder.toString();
    }

    private static String signature(String json, java.util.function.UnaryOperator<String> change) {
        Matcher m = SIGNATURE.matcher(json);
        assertTrue("a signature in " + json, m.find());
        return json.substring(0, m.start(1)) + change.apply(m.group(1)) + json.substring(m.end(1));
    }

    private String tamperedModule() throws Exception {
        Path folder = copyOfEcho("module");
        byte[] wasm = Files.readAllBytes(folder.resolve("plugin.wasm"));
        wasm[wasm.length - 1] ^= 1;
        Files.write(folder.resolve("plugin.wasm"), wasm);
        return folder.toString();
    }

    /** Another module with the checksum set to match: only the signature can notice. */
    private String swappedModule() throws Exception {
        Path folder = copyOfEcho("swapped");
        byte[] other = Files.readAllBytes(pluginFolder("hostile/trap").resolve("plugin.wasm"));
        String before = sha256(Files.readAllBytes(folder.resolve("plugin.wasm")));
        Files.write(folder.resolve("plugin.wasm"), other);
        String after = sha256(other);
        editManifest(folder, j -> j.replace(before, after));
        return folder.toString();
    }

    private String signedByAStranger() throws Exception {
        Path keys = Files.createTempDirectory("stranger").resolve("keys");
        run("plugin:keygen --out " + keys);
        Path folder = copyOfEcho("stranger");
        run("plugin:sign --key " + keys.resolve("private.pem") + " " + folder);
        return folder.toString();
    }

    // Helpers

    /** Sets the revocation list in etc/dev.fluent.plugin.trust.cfg, and waits until the trust store applies it. */
    private void setRevokedKeys(String keyIds) throws Exception {
        ConfigurationFiles.set(configurationAdmin, TRUST_PID, Map.of("revoked.keys", keyIds));
        waitUntil("the trust store revokes exactly [" + keyIds + "]", () -> {
            TrustStore store = waitForService(TrustStore.class);
            return String.join(",", store.revokedKeyIds()).equals(keyIds);
        });
    }

    /**
     * Runs a command that must succeed. A failure is rethrown with its message only: the command's own
     * exception type does not exist outside the container, where the test runner reads it.
     */
    private String run(String command) {
        try {
            return executeCommand(command);
        } catch (AssertionError e) {
            Throwable cause = e.getCause();
            throw new AssertionError(e.getMessage() + (cause == null ? "" : " (" + cause.getMessage() + ")"));
        }
    }

    /** Runs a command that must fail; returns the one line it failed with. */
    private String failure(String command) {
        try {
            String out = executeCommand(command);
            fail("'" + command + "' should have failed but printed: " + out);
            return null;
        } catch (AssertionError expected) {
            return String.valueOf(expected.getCause() != null ? expected.getCause().getMessage() : expected.getMessage());
        }
    }
}
