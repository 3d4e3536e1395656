package dev.fluent.plugin.runtime.internal.registry;

import static dev.fluent.plugin.runtime.internal.testing.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An OutOfMemoryError inside an execution ends that execution only: reported, counted, audited. */
class MemoryContainmentTest {

    private static final String PROBE = "hostile-capability-probe";
    private static final String HTTP = "{\"op\":\"http\",\"url\":\"http://127.0.0.1/\"}";

    private PluginRuntime runtime;
    private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    /** Whether the network provider's function runs the heap out, as a host function holding a huge answer would. */
    private final AtomicBoolean exhaust = new AtomicBoolean(true);

    @BeforeEach
    void start() {
        runtime = Fixtures.developmentRuntime(null);
        runtime.addAuditSink(audit::add);
        runtime.addCapabilityProvider(provider(Capability.NETWORK_ACCESS, StandardHostFunction.HTTP_REQUEST.define(
                (call, a) -> {
                    if (exhaust.get()) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    return call.failed("no network here");
                })), Map.of());
        runtime.addCapabilityProvider(provider(Capability.FILE_SYSTEM_READ,
                StandardHostFunction.FS_READ.define((call, a) -> HostCall.NOT_FOUND)), Map.of());
        runtime.addCapabilityProvider(provider(Capability.ENVIRONMENT_ACCESS,
                StandardHostFunction.ENV_GET.define((call, a) -> HostCall.NOT_FOUND)), Map.of());
        runtime.addCapabilityProvider(provider(Capability.LOGGING_ACCESS,
                StandardHostFunction.LOG.define((call, a) -> 0)), Map.of());
        runtime.addCapabilityProvider(provider(Capability.METRICS_ACCESS,
                StandardHostFunction.METRIC.define((call, a) -> 0)), Map.of());
        runtime.addCapabilityProvider(provider(Capability.CACHE_ACCESS,
                StandardHostFunction.CACHE_GET.define((call, a) -> HostCall.NOT_FOUND),
                StandardHostFunction.CACHE_PUT.define((call, a) -> 0)), Map.of());
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    @Test
    void aHostCallThatRunsTheHeapOutFailsThatExecutionAsMemoryLimitCountedAndAudited() throws Exception {
        runtime.load(Fixtures.hostile("capability-probe"));
        runtime.load(Fixtures.echo());

        PluginException e = assertThrows(PluginException.class, () -> runtime.execute(PROBE, EngineRequest.of(HTTP)));
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code(), e.toString());
        assertTrue(e.getMessage().contains("the JVM's heap ran out while plugin " + PROBE + " ran"), e.getMessage());
        assertTrue(e.getMessage().contains("JAVA_MAX_MEM"), e.getMessage());
        assertTrue(e.getCause() instanceof OutOfMemoryError, "the error it stands for is kept as its cause");

        assertEquals(1L, runtime.stats(PROBE).orElseThrow().failures().get(ErrorCode.MEMORY_LIMIT));
        assertEquals(1, runtime.find(PROBE).orElseThrow().failures());
        List<AuditEvent> failed;
        synchronized (audit) {
            failed = audit.stream().filter(a -> a.action().equals(AuditActions.EXECUTE) && !a.success()).toList();
        }
        assertEquals(1, failed.size());
        assertEquals(PROBE, failed.get(0).pluginId());
        assertEquals("MEMORY_LIMIT", failed.get(0).details().get("code"));

        // The platform and the plugin serve on: the instance that failed was discarded, a fresh one answers.
        assertEquals("hello", runtime.execute("echo", EngineRequest.of("hello")).content());
        exhaust.set(false);
        PluginException next = assertThrows(PluginException.class, () -> runtime.execute(PROBE, EngineRequest.of(HTTP)));
        assertEquals(ErrorCode.PLUGIN_ERROR, next.code(), next.toString());
        assertFalse(next.getMessage().contains("heap"), next.getMessage());
    }
}
