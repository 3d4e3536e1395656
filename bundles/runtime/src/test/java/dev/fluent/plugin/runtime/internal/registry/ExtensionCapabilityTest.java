package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.ValueType;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capability outside the standard eight, {@code com.example.Counter} in import module
 * {@code com.example.counter}, through the registry's real path: a real module (src/test/resources/
 * extension-counter) calling a provider defined here, refused, suspended, resumed, limited and audited.
 */
class ExtensionCapabilityTest {

    private static final String CAPABILITY = "com.example.Counter";
    private static final String MODULE = "com.example.counter";

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private final ConfiguredPolicy policy = new ConfiguredPolicy(Map.of());
    private final AtomicLong counter = new AtomicLong();

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.setPolicy(policy);
        runtime.addAuditSink(audit::add);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    private static Path plugin() {
        try {
            return Path.of(ExtensionCapabilityTest.class.getResource("/extension-counter/manifest.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code next(i64) -> i64}: adds its argument to the counter and returns {"content":"<value>"}. */
    private CapabilityProvider provider(String module, int maxCalls, List<ValueType> params) {
        HostFunctionDefinition next = new HostFunctionDefinition("next", params, List.of(ValueType.I64),
                (call, args) -> call.result(("{\"content\":\"" + counter.addAndGet(args[0]) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        return new CapabilityProvider() {
            @Override
            public String capabilityName() {
                return CAPABILITY;
            }

            @Override
            public String importModule() {
                return module;
            }

            @Override
            public int maxCallsPerExecution() {
                return maxCalls;
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return List.of(next);
            }
        };
    }

    private CapabilityProvider provider() {
        return provider(MODULE, 10, List.of(ValueType.I64));
    }

    private String run() throws PluginException {
        return runtime.execute("extension-counter", EngineRequest.of("x")).content();
    }

    private List<AuditEvent> audited(String action) {
        return audit.stream().filter(e -> action.equals(e.action())).toList();
    }

    @Test
    void aPluginOfAThirdPartyCapabilityCallsItsProviderAndEachUseIsAudited() throws PluginException {
        runtime.addCapabilityProvider(provider(), Map.of());

        runtime.load(plugin());

        assertEquals("3", run());
        assertEquals("6", run());
        List<AuditEvent> uses = audited(MODULE + ".next");
        assertEquals(6, uses.size());
        assertTrue(uses.stream().allMatch(e -> e.success() && CAPABILITY.equals(e.resource())));
    }

    @Test
    void refusesAtLoadACapabilityNoProviderServesNamingItAndWhatWouldServeIt() {
        PluginException e = assertThrows(PluginException.class, () -> runtime.load(plugin()));

        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("declares capability " + CAPABILITY + ", which no installed bundle serves"),
                e.getMessage());
        assertTrue(e.getMessage().contains("CapabilityProvider for " + CAPABILITY), e.getMessage());
        assertTrue(e.getMessage().contains("await_capabilities"), e.getMessage());
    }

    @Test
    void whenThePolicyLetsItWaitThePluginLoadsSuspendedAndFollowsItsProvider() throws PluginException {
        runtime.executionServices().awaitCapabilities(true);
        runtime.load(plugin());

        assertEquals(1, audited("suspend").stream().filter(e -> CAPABILITY.equals(e.resource())).count(),
                "the load itself is audited as suspended: the plugin waits for its provider");
        PluginException waiting = assertThrows(PluginException.class, this::run);
        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, waiting.code());
        assertTrue(waiting.getMessage().contains("capability " + CAPABILITY + " unavailable"), waiting.getMessage());

        CapabilityProvider provider = provider();
        runtime.addCapabilityProvider(provider, Map.of());
        assertEquals("3", run());
        assertEquals(1, audited("resume").stream().filter(e -> CAPABILITY.equals(e.resource())).count());

        runtime.removeCapabilityProvider(provider);
        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, assertThrows(PluginException.class, this::run).code());
        assertEquals(2, audited("suspend").stream().filter(e -> CAPABILITY.equals(e.resource())).count());

        runtime.addCapabilityProvider(provider(), Map.of());
        assertEquals("6", run());
    }

    @Test
    void refusesAnImportOfTheCapabilitysModuleWhenTheManifestDoesNotDeclareIt() {
        runtime.addCapabilityProvider(provider(), Map.of());
        Path copy = Fixtures.copy(plugin(), temp.resolve("undeclared"));
        Fixtures.editManifest(copy, m -> m.putArray("capabilities"));

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(copy));

        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("import " + MODULE + ".next needs capability " + CAPABILITY
                + ", which the manifest does not declare"), e.getMessage());
    }

    @Test
    void refusesAnImportOfAModuleNoProviderDeclares() {
        runtime.addCapabilityProvider(provider("com.example.other", 10, List.of(ValueType.I64)), Map.of());
        Path copy = Fixtures.copy(plugin(), temp.resolve("unknown-module"));

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(copy));

        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("module '" + MODULE + "' is not offered"), e.getMessage());
    }

    @Test
    void refusesAnImportWhoseTypeDiffersFromTheProvidersFunction() {
        runtime.addCapabilityProvider(provider(MODULE, 10, List.of(ValueType.I32)), Map.of());

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(plugin()));

        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("import " + MODULE + ".next has type"), e.getMessage());
    }

    @Test
    void callsBeyondTheProvidersLimitEndThatExecutionOnlyAndAreAudited() throws PluginException {
        CapabilityProvider twoCalls = provider(MODULE, 2, List.of(ValueType.I64));
        runtime.addCapabilityProvider(twoCalls, Map.of());
        runtime.load(plugin());

        PluginException e = assertThrows(PluginException.class, this::run);

        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("more than the 2 times per execution"), e.getMessage());
        assertTrue(audited(MODULE + ".next").stream().anyMatch(a -> !a.success()));
        runtime.removeCapabilityProvider(twoCalls);
        runtime.addCapabilityProvider(provider(), Map.of());
        assertEquals("5", run()); // two calls counted before the refusal, three now
    }

    @Test
    void thePolicyForbidsAThirdPartyCapabilityByName() {
        runtime.addCapabilityProvider(provider(), Map.of());
        policy.modified(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES, CAPABILITY));

        PluginException e = assertThrows(PluginException.class, () -> runtime.load(plugin()));

        assertEquals(ErrorCode.CAPABILITY_NOT_GRANTED, e.code());
        assertTrue(e.getMessage().contains(CAPABILITY), e.getMessage());
    }

    @Test
    void aWithdrawnGrantRefusesTheCallNamingTheCapabilityAndAuditsIt() throws PluginException {
        runtime.addCapabilityProvider(provider(), Map.of());
        runtime.load(plugin());
        policy.modified(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES + ".extension-counter", CAPABILITY));

        PluginException e = assertThrows(PluginException.class, this::run);

        assertEquals(ErrorCode.CAPABILITY_NOT_GRANTED, e.code());
        assertTrue(e.getMessage().contains(MODULE + ".next needs " + CAPABILITY), e.getMessage());
        assertTrue(audit.stream().anyMatch(a -> !a.success() && CAPABILITY.equals(a.resource())
                && a.error().startsWith("CAPABILITY_NOT_GRANTED")), audit.toString());
    }

    @Test
    void refusesProvidersThatBreakTheRules() {
        assertTrue(CapabilityProviders.problem(provider("fluent", 10, List.of(ValueType.I64)))
                .contains("must be lower-case and dotted"));
        assertTrue(CapabilityProviders.problem(provider(MODULE, 0, List.of(ValueType.I64)))
                .contains("at least 1"));
        CapabilityProviders providers = new CapabilityProviders();
        assertTrue(providers.add(provider(), 0, 1L));
        CapabilityProvider other = new CapabilityProvider() {
            @Override
            public String capabilityName() {
                return "com.example.Other";
            }

            @Override
            public String importModule() {
                return MODULE;
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return List.of();
            }
        };
        assertEquals(false, providers.add(other, 0, 2L), "a module belongs to one capability");
        CapabilityProvider nameless = () -> List.of();
        assertTrue(CapabilityProviders.problem(nameless).contains("overrides neither"));
    }
}
