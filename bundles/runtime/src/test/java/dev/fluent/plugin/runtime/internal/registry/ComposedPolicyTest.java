package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.PolicyService;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.policy.PolicyChain;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several policy services at once, through the registry's real path: every one is consulted at load, reload and
 * each execution, all must allow, the grant is what all of them allow, and a refusal names its policy and is
 * audited with its reason.
 */
class ComposedPolicyTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private final ConfiguredPolicy operator = new ConfiguredPolicy(Map.of());

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.addPolicy(operator, Map.of("service.ranking", 0, "service.id", 1L));
        runtime.addAuditSink(audit::add);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    /** A policy of another bundle: refuses plugins whose id starts with "blocked", and executions while closed. */
    private static final class Governance implements PolicyService {
        final AtomicBoolean open = new AtomicBoolean(true);
        final OperatorPolicy narrowing;

        Governance(Map<String, Object> narrowing) {
            this.narrowing = new OperatorPolicy(narrowing);
        }

        @Override
        public Grant grant(PluginManifest manifest) {
            return narrowing.grant(manifest);
        }

        @Override
        public void check(PluginManifest manifest) throws PluginException {
            if (manifest.name().startsWith("blocked")) {
                throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "its id is blocked");
            }
        }

        @Override
        public void checkExecution(PluginManifest manifest) throws PluginException {
            if (!open.get()) {
                throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "outside opening hours");
            }
        }

        @Override
        public String name() {
            return "governance";
        }
    }

    private Path echo(String id) {
        Path copy = Fixtures.copy(Fixtures.echo(), temp.resolve(id));
        Fixtures.editManifest(copy, m -> m.put("name", id));
        return copy;
    }

    @Test
    void everyPolicyMustAllowTheLoadAndARefusalNamesItsPolicyAndIsAudited() throws PluginException {
        runtime.addPolicy(new Governance(Map.of()), Map.of("service.ranking", 10, "service.id", 2L));

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(echo("blocked-echo")));

        assertEquals(ErrorCode.POLICY_REFUSED, e.code());
        assertEquals("refused by policy 'governance': its id is blocked", e.getMessage());
        assertTrue(audit.stream().anyMatch(a -> "load".equals(a.action()) && !a.success()
                && a.error().contains("refused by policy 'governance': its id is blocked")), audit.toString());
        runtime.load(echo("open-echo"));
    }

    @Test
    void theBuiltInPolicyStillRefusesBesideAnotherAndSaysSo() {
        operator.modified(Map.of(OperatorPolicy.MAX_MEMORY, "1"));
        runtime.addPolicy(new Governance(Map.of()), Map.of("service.ranking", 10, "service.id", 2L));

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(echo("big-echo")));

        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().startsWith("refused by policy 'operator (etc/dev.fluent.plugin.cfg)'"),
                e.getMessage());
    }

    @Test
    void eachExecutionIsCheckedByEveryPolicyAndARefusalIsAuditedWithItsReason() throws PluginException {
        Governance governance = new Governance(Map.of());
        runtime.addPolicy(governance, Map.of("service.ranking", 10, "service.id", 2L));
        runtime.load(echo("hours-echo"));
        assertEquals("hi", runtime.execute("hours-echo", EngineRequest.of("hi")).content());

        governance.open.set(false);
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.execute("hours-echo", EngineRequest.of("hi")));

        assertEquals(ErrorCode.POLICY_REFUSED, e.code());
        assertEquals("refused by policy 'governance': outside opening hours", e.getMessage());
        assertTrue(audit.stream().anyMatch(a -> "execute".equals(a.action()) && !a.success()
                && a.error().contains("outside opening hours")), audit.toString());
        governance.open.set(true);
        assertEquals("again", runtime.execute("hours-echo", EngineRequest.of("again")).content());
    }

    @Test
    void aPolicyThatLeavesTakesItsRefusalsWithIt() throws PluginException {
        Governance governance = new Governance(Map.of());
        runtime.addPolicy(governance, Map.of("service.ranking", 10, "service.id", 2L));
        Path folder = echo("blocked-later");
        assertThrows(PluginException.class, () -> runtime.load(folder));

        runtime.removePolicy(governance);

        runtime.load(folder);
    }

    @Test
    void theGrantIsWhatEveryPolicyAllowsSoTheHigherRankedCanNarrowIt() {
        PolicyChain chain = new PolicyChain(new OperatorPolicy(Map.of()));
        chain.add(new OperatorPolicy(Map.of(OperatorPolicy.MAX_TIME, "5000", OperatorPolicy.ALLOW_LOOPBACK, "true")),
                0, 1L);
        chain.add(new Governance(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES, "CacheAccess, com.example.Sql",
                OperatorPolicy.MAX_TIME, "9000")), 10, 2L);
        PluginManifest manifest = new PluginManifest("p", "1.0.0", "", "", "test",
                Set.of(Capability.CACHE_ACCESS, Capability.LOGGING_ACCESS),
                new Permissions(16, 20_000, 1, List.of(), List.of(), 1, 60), null, null, null, null,
                Set.of("com.example.Sql", "com.example.Queue"));

        Grant grant = chain.grant(manifest);

        assertEquals(Set.of(Capability.LOGGING_ACCESS), grant.capabilities());
        assertEquals(Set.of("com.example.Queue"), grant.extensionCapabilities());
        assertEquals(5000, grant.permissions().maxExecutionTimeMs());
        assertEquals(false, grant.loopbackAllowed(), "loopback only if every policy allows it");
    }

    @Test
    void aPolicyThatFailsRefusesInsteadOfLettingPluginsThrough() {
        PolicyChain chain = new PolicyChain(new OperatorPolicy(Map.of()));
        chain.add(new PolicyService() {
            @Override
            public Grant grant(PluginManifest manifest) {
                throw new IllegalStateException("no database");
            }

            @Override
            public void check(PluginManifest manifest) {
                throw new IllegalStateException("no database");
            }

            @Override
            public String name() {
                return "broken";
            }
        }, 5, 3L);
        PluginManifest manifest = new PluginManifest("p", "1.0.0", "", "", "test", Set.of(Capability.LOGGING_ACCESS),
                Permissions.DEFAULTS, null, null, null, null);

        PluginException e = assertThrows(PluginException.class, () -> chain.check(manifest));

        assertEquals(ErrorCode.POLICY_REFUSED, e.code());
        assertTrue(e.getMessage().startsWith("refused by policy 'broken': it failed"), e.getMessage());
        assertEquals(Set.of(), chain.grant(manifest).capabilities());
    }
}
