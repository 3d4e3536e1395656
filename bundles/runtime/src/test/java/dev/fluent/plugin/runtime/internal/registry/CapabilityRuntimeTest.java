package dev.fluent.plugin.runtime.internal.registry;

import static dev.fluent.plugin.runtime.internal.testing.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.HostFunctionHandler;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.api.spi.ValueType;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.policy.ConfiguredPolicy;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capabilities through the registry's real path: real example plugins calling host functions of
 * providers defined here, linked, suspended and resumed, under the operator's policy.
 */
class CapabilityRuntimeTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final List<String> metrics = Collections.synchronizedList(new ArrayList<>());
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private CapabilityProvider cacheProvider;

    /** The built-in policy component, configured by each test as etc/dev.fluent.plugin.cfg would. */
    private final ConfiguredPolicy policy = new ConfiguredPolicy(Map.of());

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.setPolicy(policy);
        runtime.addAuditSink(audit::add);
        cacheProvider = provider(Capability.CACHE_ACCESS,
                StandardHostFunction.CACHE_GET.define((call, a) -> {
                    byte[] value = cache.get(call.pluginId() + "/" + call.readString(a[0], a[1]));
                    return value == null ? HostCall.NOT_FOUND : call.result(value);
                }),
                StandardHostFunction.CACHE_PUT.define((call, a) -> {
                    cache.put(call.pluginId() + "/" + call.readString(a[0], a[1]), call.read(a[2], a[3]));
                    return 0;
                }));
        runtime.addCapabilityProvider(cacheProvider, Map.of());
        runtime.addCapabilityProvider(provider(Capability.METRICS_ACCESS, StandardHostFunction.METRIC.define((call, a) -> {
            metrics.add(a[0] + ":" + call.readString(a[1], a[2]) + "=" + a[3]);
            return 0;
        })), Map.of());
        runtime.addCapabilityProvider(provider(Capability.LOGGING_ACCESS, StandardHostFunction.LOG.define((call, a) -> {
            call.check(a[1], a[2]);
            if (logLines.size() >= 50) {
                throw call.deny(ErrorCode.LIMIT_EXCEEDED, "log", null, "log flood");
            }
            logLines.add(call.readString(a[1], a[2]));
            return 0;
        })), Map.of());
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    /** Providers for every capability the probe imports, with the network answered by {@code http}. */
    private void probeProviders(HostFunctionHandler http) {
        runtime.addCapabilityProvider(provider(Capability.NETWORK_ACCESS, StandardHostFunction.HTTP_REQUEST.define(http)),
                Map.of());
        runtime.addCapabilityProvider(provider(Capability.FILE_SYSTEM_READ,
                StandardHostFunction.FS_READ.define((call, a) -> HostCall.NOT_FOUND)), Map.of());
        runtime.addCapabilityProvider(provider(Capability.ENVIRONMENT_ACCESS,
                StandardHostFunction.ENV_GET.define((call, a) -> {
                    throw call.deny(ErrorCode.ACCESS_DENIED, "env_get", call.readString(a[0], a[1]), "not exposed");
                })), Map.of());
    }

    private String run(String plugin, String payload) throws PluginException {
        return runtime.execute(plugin, EngineRequest.of(payload)).content();
    }

    private PluginException failsWith(ErrorCode code, String plugin, String payload) {
        PluginException e = assertThrows(PluginException.class, () -> run(plugin, payload));
        assertEquals(code, e.code(), () -> "expected " + code + " but got " + e);
        return e;
    }

    private List<AuditEvent> audited(String action) {
        synchronized (audit) {
            return audit.stream().filter(e -> e.action().equals(action)).toList();
        }
    }

    @Test
    void kvCounterCountsAcrossExecutionsThroughItsProviders() throws Exception {
        runtime.load(Fixtures.examples().resolve("kv-counter"));
        assertEquals("1", run("kv-counter", "visits"));
        assertEquals("2", run("kv-counter", "visits"));
        assertEquals("1", run("kv-counter", "other"));
        assertEquals("2", new String(cache.get("kv-counter/count:visits"), StandardCharsets.UTF_8));
        assertTrue(metrics.contains("0:kv_counter.increments=1"), metrics.toString());
        assertTrue(metrics.contains("1:kv_counter.last_count=2"), metrics.toString());
        AuditEvent last = audited("execute").get(2);
        assertEquals("cache_get=1,cache_put=1,metric=2", last.details().get("host_calls"));
    }

    @Test
    void stoppingAProviderSuspendsThePluginAndStartingItResumes() throws Exception {
        runtime.load(Fixtures.examples().resolve("kv-counter"));
        assertEquals("1", run("kv-counter", "n"));
        runtime.removeCapabilityProvider(cacheProvider);
        PluginException e = failsWith(ErrorCode.CAPABILITY_UNAVAILABLE, "kv-counter", "n");
        assertTrue(e.getMessage().startsWith("capability CacheAccess unavailable"), e.getMessage());
        assertEquals("CacheAccess", audited("suspend").get(0).resource());
        runtime.addCapabilityProvider(cacheProvider, Map.of());
        assertEquals("2", run("kv-counter", "n"), "resumed without a reload, its cache intact");
        assertEquals("kv-counter", audited("resume").get(0).pluginId());
    }

    @Test
    void aPluginLoadsWhileItsProviderIsAbsentAndWaitsForIt() throws Exception {
        runtime.removeCapabilityProvider(cacheProvider);
        runtime.load(Fixtures.examples().resolve("kv-counter"));
        failsWith(ErrorCode.CAPABILITY_UNAVAILABLE, "kv-counter", "n");
        runtime.addCapabilityProvider(cacheProvider, Map.of());
        assertEquals("1", run("kv-counter", "n"));
    }

    @Test
    void refusesAnImportOfAnUndeclaredCapability() {
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.load(Fixtures.hostile("undeclared-capability")));
        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("fluent.http_request needs capability NetworkAccess"), e.getMessage());
    }

    @Test
    void refusesAnImportOfAFunctionNoOneOffers() throws Exception {
        Path folder = Fixtures.copy(Fixtures.hostile("undeclared-capability"), temp.resolve("p"));
        byte[] wasm = java.nio.file.Files.readAllBytes(folder.resolve("plugin.wasm"));
        // Rename the import "http_request" to "http_requesx": same length, not a host function.
        String text = new String(wasm, StandardCharsets.ISO_8859_1).replace("http_request", "http_requesx");
        Fixtures.replaceWasm(folder, text.getBytes(StandardCharsets.ISO_8859_1));
        PluginException e = assertThrows(PluginException.class, () -> runtime.load(folder));
        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("fluent.http_requesx is not a host function"), e.getMessage());
    }

    @Test
    void thePolicyForbidsACapabilityAtLoad() {
        policy.modified(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES + ".kv-counter", "CacheAccess"));
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.load(Fixtures.examples().resolve("kv-counter")));
        assertEquals(ErrorCode.CAPABILITY_NOT_GRANTED, e.code());
        assertTrue(e.getMessage().contains("declares CacheAccess, which the operator's policy forbids"), e.getMessage());
        assertFalse(audited("load").get(0).success());
    }

    @Test
    void aCapabilityForbiddenAfterLoadFailsItsCallsAndIsAudited() throws Exception {
        runtime.load(Fixtures.examples().resolve("kv-counter"));
        policy.modified(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES, "CacheAccess"));
        PluginException e = failsWith(ErrorCode.CAPABILITY_NOT_GRANTED, "kv-counter", "n");
        assertTrue(e.getMessage().contains("no longer grants"), e.getMessage());
        AuditEvent denial = audited("cache_get").get(0);
        assertFalse(denial.success());
        assertEquals("CAPABILITY_NOT_GRANTED", denial.details().get("code"));
    }

    @Test
    void enforcesTheManifestsRateAndThePolicyCap() throws Exception {
        runtime.executionServices().rateLimits(true);
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("permissions"))
                .put("rate_limit_requests_per_minute", 2));
        runtime.load(folder);
        run("echo", "1");
        run("echo", "2");
        PluginException e = failsWith(ErrorCode.RATE_LIMITED, "echo", "3");
        assertTrue(e.getMessage().startsWith("rate limited: plugin echo may run 2 times per minute"), e.getMessage());
        assertEquals("RATE_LIMITED", audited("execute").get(2).details().get("code"));

        runtime.load(Fixtures.examples().resolve("kv-counter"));
        policy.modified(Map.of(OperatorPolicy.MAX_RATE, "1"));
        run("kv-counter", "x");
        failsWith(ErrorCode.RATE_LIMITED, "kv-counter", "x");
    }

    @Test
    void aWildPointerInAHostCallFailsThatExecutionOnly() throws Exception {
        runtime.load(Fixtures.hostile("host-wild-pointer"));
        runtime.load(Fixtures.echo());
        PluginException e = failsWith(ErrorCode.BAD_HOST_CALL, "hostile-host-wild-pointer", "x");
        assertTrue(e.getMessage().contains("outside the plugin's memory"), e.getMessage());
        assertEquals("still here", run("echo", "still here"));
        failsWith(ErrorCode.BAD_HOST_CALL, "hostile-host-wild-pointer", "again");
        assertTrue(logLines.isEmpty());
    }

    @Test
    void aTwoGibLengthFailsWithoutCopying() throws Exception {
        runtime.load(Fixtures.hostile("host-huge-length"));
        PluginException e = failsWith(ErrorCode.BAD_HOST_CALL, "hostile-host-huge-length", "x");
        assertTrue(e.getMessage().contains("2147483648 bytes"), e.getMessage());
    }

    @Test
    void aWildBufferFromFluentAllocIsNeverWritten() throws Exception {
        runtime.load(Fixtures.hostile("host-wild-alloc"));
        PluginException e = failsWith(ErrorCode.BAD_HOST_CALL, "hostile-host-wild-alloc", "x");
        assertTrue(e.getMessage().contains("fluent_alloc(1) returned 0x7ffffff0"), e.getMessage());
    }

    @Test
    void aFailedCallReachesThePluginThroughLastError() throws Exception {
        probeProviders((call, a) -> call.failed("connection refused by 203.0.113.9"));
        runtime.load(Fixtures.hostile("capability-probe"));
        PluginException e = failsWith(ErrorCode.PLUGIN_ERROR, "hostile-capability-probe",
                "{\"op\":\"http\",\"url\":\"http://127.0.0.1/\"}");
        assertEquals("HOST_FAILED", e.pluginCode());
        assertTrue(e.getMessage().endsWith("HOST_FAILED: connection refused by 203.0.113.9"), e.getMessage());
    }

    @Test
    void aDenialFailsThatExecutionAndIsAudited() throws Exception {
        probeProviders((call, a) -> 0);
        runtime.load(Fixtures.hostile("capability-probe"));
        PluginException e = failsWith(ErrorCode.ACCESS_DENIED, "hostile-capability-probe",
                "{\"op\":\"env\",\"name\":\"SECRET\"}");
        assertEquals("not exposed", e.getMessage());
        AuditEvent denial = audited("env_get").get(0);
        assertEquals("SECRET", denial.resource());
        assertEquals("ACCESS_DENIED", denial.details().get("code"));
        assertTrue(denial.details().containsKey("request_id"));
    }

    @Test
    void aLogFloodEndsTheExecution() throws Exception {
        probeProviders((call, a) -> 0);
        runtime.load(Fixtures.hostile("capability-probe"));
        failsWith(ErrorCode.LIMIT_EXCEEDED, "hostile-capability-probe", "{\"op\":\"log_flood\"}");
        assertEquals(50, logLines.size());
        assertEquals("flood line 0", logLines.get(0));
    }

    @Test
    void aProviderThatCrashesFailsTheExecutionNotTheHost() throws Exception {
        probeProviders((call, a) -> {
            throw new IllegalStateException("provider bug");
        });
        runtime.load(Fixtures.hostile("capability-probe"));
        PluginException e = failsWith(ErrorCode.INTERNAL, "hostile-capability-probe",
                "{\"op\":\"http\",\"url\":\"http://127.0.0.1/\"}");
        assertTrue(e.getMessage().contains("fluent.http_request failed"), e.getMessage());
    }

    @Test
    void refusesAProviderWhoseFunctionsBreakTheAbi() {
        CapabilityProviders linker = new CapabilityProviders();
        HostFunctionDefinition wrongType = new HostFunctionDefinition("log", List.of(ValueType.I32), List.of(),
                (call, a) -> 0);
        assertFalse(linker.add(provider(Capability.LOGGING_ACCESS, wrongType), 0, 1));
        assertFalse(linker.add(provider(Capability.CACHE_ACCESS, StandardHostFunction.LOG.define((c, a) -> 0)), 0, 2));
        assertTrue(linker.add(provider(Capability.LOGGING_ACCESS, StandardHostFunction.LOG.define((c, a) -> 0)), 0, 3));
    }

    @Test
    void theHighestRankedProviderServes() {
        CapabilityProviders linker = new CapabilityProviders();
        CapabilityProvider low = provider(Capability.LOGGING_ACCESS, StandardHostFunction.LOG.define((c, a) -> 0));
        CapabilityProvider high = provider(Capability.LOGGING_ACCESS, StandardHostFunction.LOG.define((c, a) -> 0));
        linker.add(low, 0, 1);
        linker.add(high, 10, 2);
        assertEquals(high, linker.provider(Capability.LOGGING_ACCESS));
        linker.remove(high);
        assertEquals(low, linker.provider(Capability.LOGGING_ACCESS));
        Map<String, Object> none = new HashMap<>();
        assertEquals(null, new CapabilityProviders().provider(Capability.LOGGING_ACCESS), none.toString());
    }
}
