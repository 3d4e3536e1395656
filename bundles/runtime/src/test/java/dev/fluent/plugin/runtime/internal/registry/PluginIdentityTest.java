package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.api.spi.PluginStateHolder;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import dev.fluent.plugin.runtime.internal.testing.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's identity is its id and its owner: another key cannot take an id over (by reload, by a new
 * load after an unload, or after a restart), an older version cannot be replayed, and the operator's
 * transfer, release and rollback are deliberate, audited, and clear what the previous owner's code left.
 */
class PluginIdentityTest {

    @TempDir
    Path temp;

    private final JsonManifestParser parser = new JsonManifestParser();
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private final List<PluginRuntime> runtimes = new ArrayList<>();
    private Signing signing;
    private GeneratedKeyPair stranger;
    private Path data;

    @BeforeEach
    void start() throws Exception {
        signing = new Signing();
        stranger = signing.signer.generateKeyPair(PluginSigner.ED25519, temp.resolve("stranger"));
        signing.trust.add(stranger.publicKeyFile());
        data = temp.resolve("data");
    }

    @AfterEach
    void stop() {
        runtimes.forEach(PluginRuntime::deactivate);
        signing.close();
    }

    private PluginRuntime runtime() {
        PluginRuntime runtime = new PluginRuntime(null, parser, Clock.systemUTC(), data);
        runtime.configure(true, false);
        runtime.executionServices().rateLimits(false);
        runtime.addAuditSink(audit::add);
        signing.attach(runtime);
        runtimes.add(runtime);
        return runtime;
    }

    private IdentityService identities(PluginRuntime runtime, Map<String, Object> properties) {
        IdentityService service = new IdentityService(runtime, parser, properties);
        service.setTrustStore(signing.trust);
        return service;
    }

    /** A copy of echo with its manifest changed, signed by {@code key} (the development key when {@code null}). */
    private Path echo(String name, GeneratedKeyPair key, Consumer<ObjectNode> edit) throws PluginException {
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve(name));
        Fixtures.editManifest(folder, edit);
        signing.signer.sign(key == null ? Signing.developmentKey() : key.privateKeyFile(), folder);
        return folder;
    }

    private static Consumer<ObjectNode> version(String version) {
        return m -> m.put("version", version);
    }

    private PluginException refused(ErrorCode code, PluginTask task) {
        PluginException e = assertThrows(PluginException.class, task::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    private interface PluginTask {
        void run() throws Exception;
    }

    private static String call(PluginRuntime runtime, String text) throws PluginException {
        return runtime.execute("echo", EngineRequest.of(text)).content();
    }

    @Test
    void anotherKeyCannotReloadAnIdAndTheRefusalNamesBothKeys() throws Exception {
        PluginRuntime runtime = runtime();
        runtime.load(echo("v1", null, version("1.0.0")));
        Path takeover = echo("takeover", stranger, version("1.1.0"));

        PluginException e = refused(ErrorCode.OWNER_MISMATCH, () -> runtime.reload("echo", takeover));

        assertTrue(e.getMessage().contains(Signing.DEVELOPMENT_KEY_ID) && e.getMessage().contains(stranger.keyId())
                && e.getMessage().contains("plugin:owner --transfer"), e.getMessage());
        AuditEvent refusal = audit.get(audit.size() - 1);
        assertEquals(AuditActions.RELOAD, refusal.action());
        assertEquals(Map.of("owner", Signing.DEVELOPMENT_KEY_ID, "signed_by", stranger.keyId(), "code", "OWNER_MISMATCH"),
                refusal.details());
        assertEquals("1.0.0", runtime.find("echo").orElseThrow().manifest().version());
        assertEquals("still mine", call(runtime, "still mine"));
    }

    @Test
    void theOwnerOutlivesAnUnloadAndARestart() throws Exception {
        PluginRuntime first = runtime();
        first.load(echo("v1", null, version("1.0.0")));
        first.unload("echo");
        Path takeover = echo("takeover", stranger, version("9.0.0"));
        refused(ErrorCode.OWNER_MISMATCH, () -> first.load(takeover));
        first.deactivate();
        runtimes.remove(first);

        PluginRuntime second = runtime();
        refused(ErrorCode.OWNER_MISMATCH, () -> second.load(takeover));
        assertEquals(Signing.DEVELOPMENT_KEY_ID, second.loads().identities().identity("echo").orElseThrow().owner());
    }

    @Test
    void anUnsignedVersionCannotReplaceASignedOne() throws Exception {
        PluginRuntime runtime = runtime(); // development mode: unsigned plugins load, but not under a signed id
        runtime.load(echo("v1", null, version("1.0.0")));
        Path unsigned = Fixtures.copy(Fixtures.echo(), temp.resolve("unsigned"));
        Fixtures.editManifest(unsigned, version("2.0.0"));
        refused(ErrorCode.OWNER_MISMATCH, () -> runtime.reload("echo", unsigned));
    }

    @Test
    void anOlderVersionIsRefusedAlsoAfterARestartUnlessRolledBackOnPurpose() throws Exception {
        PluginRuntime first = runtime();
        Path v1 = echo("v1", null, version("1.0.0"));
        first.load(echo("v2", null, version("2.0.0")));
        PluginException e = refused(ErrorCode.DOWNGRADE, () -> first.reload("echo", v1));
        assertTrue(e.getMessage().contains("plugin:rollback echo"), e.getMessage());
        first.deactivate();
        runtimes.remove(first);

        PluginRuntime second = runtime();
        refused(ErrorCode.DOWNGRADE, () -> second.load(v1));
        PluginIdentity before = second.loads().identities().identity("echo").orElseThrow();
        assertEquals("2.0.0", before.version());

        identities(second, Map.of()).rollback("echo", v1);

        assertEquals("1.0.0", second.find("echo").orElseThrow().manifest().version());
        assertEquals("1.0.0", second.loads().identities().identity("echo").orElseThrow().version());
        AuditEvent rollback = audit.stream().filter(a -> a.action().equals(AuditActions.ROLLBACK)).findFirst()
                .orElseThrow();
        assertEquals(Map.of("from", "2.0.0", "to", "1.0.0"), rollback.details());
        // The allowance was for that one load: the newer version loads again, the older one is refused again.
        second.reload("echo", echo("v3", null, version("3.0.0")));
        refused(ErrorCode.DOWNGRADE, () -> second.reload("echo", v1));
    }

    @Test
    void aSameVersionBuiltEarlierIsADowngradeAndALaterBuildIsNot() throws Exception {
        PluginRuntime runtime = runtime();
        runtime.load(echo("built", null, m -> m.put("version", "1.0.0").put("created_at", "2026-06-01T00:00:00Z")));
        Path earlier = echo("earlier", null, m -> m.put("version", "1.0.0").put("created_at", "2026-01-01T00:00:00Z"));
        Path later = echo("later", null, m -> m.put("version", "1.0.0").put("created_at", "2026-07-01T00:00:00Z"));
        refused(ErrorCode.DOWNGRADE, () -> runtime.reload("echo", earlier));
        runtime.reload("echo", later);
    }

    @Test
    void unsignedVersionsAreNotVersionCheckedForAnyoneCanWriteTheirVersion() throws Exception {
        PluginRuntime runtime = runtime(); // development mode
        Path v2 = Fixtures.copy(Fixtures.echo(), temp.resolve("u2"));
        Fixtures.editManifest(v2, version("2.0.0"));
        Path v1 = Fixtures.copy(Fixtures.echo(), temp.resolve("u1"));
        Fixtures.editManifest(v1, version("1.0.0"));
        runtime.load(v2);
        runtime.reload("echo", v1);
        PluginIdentity identity = runtime.loads().identities().identity("echo").orElseThrow();
        assertEquals(PluginIdentity.UNSIGNED, identity.owner());
        assertEquals(null, identity.version(), "no signed version accepted yet");
    }

    @Test
    void aTransferUnloadsTheOldOwnersVersionAndClearsWhatWasKeptForIt() throws Exception {
        PluginRuntime runtime = runtime();
        Path dataDir = temp.resolve("plugin-data");
        Files.createDirectories(dataDir.resolve("echo"));
        Files.writeString(dataDir.resolve("echo/secret.txt"), "old owner's file");
        List<String> forgotten = new ArrayList<>();
        IdentityService service = identities(runtime, Map.of("plugin_data_dir", dataDir.toString()));
        service.addCapabilityProvider(new StateProvider(forgotten::add));
        runtime.load(echo("v1", null, version("1.0.0")));

        PluginIdentity next = service.transfer("echo", stranger.keyId());

        assertEquals(stranger.keyId(), next.owner());
        assertTrue(runtime.find("echo").isEmpty(), "the previous owner's version stops");
        assertEquals(List.of("echo"), forgotten);
        assertFalse(Files.exists(dataDir.resolve("echo")));
        try (Stream<Path> aside = Files.list(dataDir)) {
            Path moved = aside.filter(p -> p.getFileName().toString().startsWith("echo.previous-owner.")).findFirst()
                    .orElseThrow();
            assertEquals("old owner's file", Files.readString(moved.resolve("secret.txt")), "moved, never deleted");
        }
        AuditEvent owner = audit.stream().filter(a -> a.action().equals(AuditActions.OWNER)
                && "transferred".equals(a.details().get("change"))).findFirst().orElseThrow();
        assertEquals(Signing.DEVELOPMENT_KEY_ID, owner.details().get("from"));
        runtime.load(echo("new-owner", stranger, version("1.0.1")));
        assertEquals("hello", call(runtime, "hello"));
    }

    @Test
    void aTransferNeedsATrustedKeyAndReleaseNeedsTheIdUnloaded() throws Exception {
        PluginRuntime runtime = runtime();
        IdentityService service = identities(runtime, Map.of());
        runtime.load(echo("v1", null, version("1.0.0")));
        refused(ErrorCode.KEY_UNTRUSTED, () -> service.transfer("echo", "00112233445566778899aabbccddeeff"));
        refused(ErrorCode.ALREADY_LOADED, () -> service.release("echo"));
        runtime.unload("echo");
        service.release("echo");
        refused(ErrorCode.PLUGIN_NOT_FOUND, () -> service.release("echo"));
        runtime.load(echo("takeover", stranger, version("0.1.0"))); // a released id binds anew, history gone
        assertEquals(stranger.keyId(), service.identity("echo").orElseThrow().owner());
    }

    @Test
    void anOwnerDeclaredInThePolicyHoldsFromTheFirstLoad() throws Exception {
        PluginRuntime runtime = runtime();
        Map<String, Object> policy = new HashMap<>();
        policy.put("owner.echo", stranger.keyId());
        IdentityService service = identities(runtime, policy);
        PluginException e = refused(ErrorCode.OWNER_MISMATCH, () -> runtime.load(echo("v1", null, version("1.0.0"))));
        assertTrue(e.getMessage().contains("owner.echo"), e.getMessage());
        refused(ErrorCode.POLICY_REFUSED, () -> service.transfer("echo", Signing.DEVELOPMENT_KEY_ID));
        runtime.load(echo("theirs", stranger, version("1.0.0")));
        assertTrue(service.identity("echo").orElseThrow().declared());
    }

    /** A provider that keeps something per plugin, as the cache does. */
    private static final class StateProvider implements CapabilityProvider, PluginStateHolder {
        private final Consumer<String> forget;

        StateProvider(Consumer<String> forget) {
            this.forget = forget;
        }

        @Override
        public Capability capability() {
            return Capability.CACHE_ACCESS;
        }

        @Override
        public List<HostFunctionDefinition> functions() {
            return List.of();
        }

        @Override
        public void forget(String pluginId) {
            forget.accept(pluginId);
        }
    }
}
