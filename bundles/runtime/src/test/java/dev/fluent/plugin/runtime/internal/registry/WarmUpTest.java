package dev.fluent.plugin.runtime.internal.registry;

import static dev.fluent.plugin.runtime.internal.testing.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.WarmupReport;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load's warm-up: the manifest's {@code warmup} payloads run before the plugin serves, leave nothing behind
 * for its requests, and a payload that cannot run (it loops, runs the memory out, calls the host) fails the load
 * with the reason, reaching no provider and harming no other plugin.
 */
class WarmUpTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger networkCalls = new AtomicInteger();

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.addAuditSink(audit::add);
        runtime.addCapabilityProvider(provider(Capability.NETWORK_ACCESS, StandardHostFunction.HTTP_REQUEST.define(
                (call, a) -> {
                    networkCalls.incrementAndGet();
                    return call.failed("no network here");
                })), Map.of());
        for (Capability c : List.of(Capability.FILE_SYSTEM_READ, Capability.ENVIRONMENT_ACCESS,
                Capability.CACHE_ACCESS, Capability.LOGGING_ACCESS)) {
            List<HostFunctionDefinition> functions = new ArrayList<>();
            for (StandardHostFunction f : StandardHostFunction.values()) {
                if (f.capability().filter(c::equals).isPresent()) {
                    functions.add(f.define((call, a) -> 0));
                }
            }
            runtime.addCapabilityProvider(provider(c, functions.toArray(HostFunctionDefinition[]::new)), Map.of());
        }
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    private Path withWarmup(Path plugin, String... payloads) {
        Path copy = Fixtures.copy(plugin, temp.resolve(plugin.getFileName().toString()));
        Fixtures.editManifest(copy, m -> {
            ArrayNode list = m.putArray("warmup");
            for (String p : payloads) {
                list.add(p);
            }
        });
        return copy;
    }

    private AuditEvent lastEntry(String pluginId, String action) {
        synchronized (audit) {
            for (int i = audit.size() - 1; i >= 0; i--) {
                AuditEvent e = audit.get(i);
                if (e.pluginId().equals(pluginId) && e.action().equals(action)) {
                    return e;
                }
            }
        }
        throw new AssertionError("no " + action + " entry for " + pluginId + " in " + audit);
    }

    @Test
    void aPluginServesAfterItsWarmUpWhichTheLoadEntryDescribesAndTheStatisticsDoNotCount() throws Exception {
        runtime.load(withWarmup(Fixtures.echo(), "warm me up", "line one\nline two ✓"));

        AuditEvent load = lastEntry("echo", AuditActions.LOAD);
        assertTrue(load.success(), load.toString());
        int passes = Integer.parseInt(load.details().get("warmup_passes"));
        assertTrue(passes >= 1, load.toString());
        assertTrue(Long.parseLong(load.details().get("warmup_ms")) <= Long.parseLong(load.details().get("load_ms")),
                load.toString());
        assertTrue(Long.parseLong(load.details().get("warmup_first_pass_us")) > 0, load.toString());
        assertTrue(load.details().containsKey("warmup_settled"), load.toString());

        WarmupReport shown = runtime.find("echo").orElseThrow().warmup();
        assertEquals(2, shown.payloads());
        assertEquals(passes, shown.passes(), "plugin:show and the audit entry tell the same warm-up");

        assertEquals("a real request", runtime.execute("echo", EngineRequest.of("a real request")).content());
        assertEquals(1, runtime.stats("echo").orElseThrow().executions(), "warm-up executions are not requests");
    }

    @Test
    void theFirstRequestAfterAWarmUpStartsFromTheInstantiatedState() throws Exception {
        runtime.load(withWarmup(Fixtures.hostile("stateful"), "one", "two", "three"));
        assertTrue(Integer.parseInt(lastEntry("hostile-stateful", AuditActions.LOAD).details().get("warmup_passes"))
                >= 1);

        assertEquals("g=1 m=1", runtime.execute("hostile-stateful", EngineRequest.of("x")).content());
    }

    @Test
    void aPayloadAnsweredWithThePluginsOwnErrorIsAWarmUpLikeAnyOther() throws Exception {
        runtime.load(withWarmup(Fixtures.hostile("plugin-error"), "anything"));

        PluginException e = assertThrows(PluginException.class,
                () -> runtime.execute("hostile-plugin-error", EngineRequest.of("x")));
        assertEquals(ErrorCode.PLUGIN_ERROR, e.code());
    }

    @Test
    void aLoopingPayloadFailsTheLoadWithTimeoutNamingThePayloadAndTheOtherPluginsServeOn() throws Exception {
        runtime.load(Fixtures.echo());

        PluginException e = assertThrows(PluginException.class,
                () -> runtime.load(withWarmup(Fixtures.hostile("loop"), "spin")));
        assertEquals(ErrorCode.TIMEOUT, e.code(), e.toString());
        assertTrue(e.getMessage().contains("warm-up payload 1 of 1 (warmup[0] in the manifest) failed"), e.getMessage());
        assertTrue(e.getMessage().contains("max_execution_time_ms=500"), e.getMessage());
        assertTrue(e.getMessage().contains("leave the payload out"), e.getMessage());

        assertTrue(runtime.find("hostile-loop").isEmpty(), "nothing was registered");
        AuditEvent failed = lastEntry("hostile-loop", AuditActions.LOAD);
        assertFalse(failed.success());
        assertTrue(failed.error().contains("TIMEOUT"), failed.toString());
        assertEquals("still here", runtime.execute("echo", EngineRequest.of("still here")).content());
    }

    @Test
    void aPayloadThatCallsTheHostFailsTheLoadAndReachesNoProvider() {
        String http = "{\"op\":\"http\",\"url\":\"http://127.0.0.1/\"}";
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.load(withWarmup(Fixtures.hostile("capability-probe"), "{\"op\":\"none\"}", http)));

        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, e.code(), e.toString());
        assertTrue(e.getMessage().contains("fluent.http_request was called during the load's warm-up, which grants no"
                + " capability"), e.getMessage());
        assertTrue(e.getMessage().contains("declare only payloads the plugin answers by itself"), e.getMessage());
        assertEquals(0, networkCalls.get(), "no request left the platform");
        assertTrue(runtime.find("hostile-capability-probe").isEmpty());
    }

    @Test
    void aPayloadThatRunsTheMemoryOutFailsTheLoadWithMemoryLimit() {
        PluginException e = assertThrows(PluginException.class,
                () -> runtime.load(withWarmup(Fixtures.hostile("memory-bomb"), "grow")));
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code(), e.toString());
        assertTrue(e.getMessage().contains("warm-up payload 1 of 1"), e.getMessage());
    }

    @Test
    void aReloadWhoseWarmUpFailsLeavesThePreviousVersionServing() throws Exception {
        Path echo = Fixtures.copy(Fixtures.echo(), temp.resolve("echo-v1"));
        Fixtures.editManifest(echo, m -> { }); // unsigned, as the version replacing it
        runtime.load(echo);
        Path broken = withWarmup(Fixtures.hostile("loop"), "spin");
        Fixtures.editManifest(broken, m -> m.put("name", "echo"));

        PluginException e = assertThrows(PluginException.class, () -> runtime.reload("echo", broken));
        assertEquals(ErrorCode.TIMEOUT, e.code(), e.toString());
        assertEquals("v1 serves", runtime.execute("echo", EngineRequest.of("v1 serves")).content());
    }
}
