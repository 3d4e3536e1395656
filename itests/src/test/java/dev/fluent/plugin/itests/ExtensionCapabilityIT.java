package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A capability outside the standard eight in the real distribution: {@code com.example.Counter}, served by a
 * {@link CapabilityProvider} that this test's own bundle (a third party to the platform) registers and
 * withdraws, for a plugin (src/test/resources/extension-counter) that imports its module
 * {@code com.example.counter}. No platform bundle changes and nothing restarts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExtensionCapabilityIT extends PlatformTestSupport {

    private static final String PLUGIN = "extension-counter";
    private static final String CAPABILITY = "com.example.Counter";
    private static final String MODULE = "com.example.counter";

    @Inject
    private PluginRegistry registry;

    @Inject
    private AuditLog auditLog;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private final AtomicLong counter = new AtomicLong();
    private ServiceRegistration<CapabilityProvider> registration;

    @After
    public void cleanUp() throws Exception {
        withdraw();
        if (registry.find(PLUGIN).isPresent()) {
            registry.unload(PLUGIN);
        }
        await(false);
    }

    private void offer() {
        HostFunctionDefinition next = new HostFunctionDefinition("next", List.of(ValueType.I64),
                List.of(ValueType.I64), (call, args) -> call.result(("{\"content\":\"" + counter.addAndGet(args[0])
                        + "\"}").getBytes(StandardCharsets.UTF_8)));
        registration = bundleContext.registerService(CapabilityProvider.class, new CapabilityProvider() {
            @Override
            public String capabilityName() {
                return CAPABILITY;
            }

            @Override
            public String importModule() {
                return MODULE;
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return List.of(next);
            }
        }, new Hashtable<>());
    }

    private void withdraw() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private Path plugin(boolean declared) throws IOException {
        Path folder = Files.createTempDirectory("extension-it").resolve(PLUGIN);
        Files.createDirectories(folder);
        for (String file : List.of("manifest.json", "plugin.wasm")) {
            try (InputStream in = getClass().getResourceAsStream("/extension-counter/" + file)) {
                Files.copy(in, folder.resolve(file));
            }
        }
        if (!declared) {
            Path manifest = folder.resolve("manifest.json");
            Files.writeString(manifest, Files.readString(manifest).replace("\"" + CAPABILITY + "\"", ""));
        }
        return folder;
    }

    private String run() throws PluginException {
        return registry.execute(PLUGIN, EngineRequest.of("x")).content();
    }

    private void await(boolean await) throws Exception {
        ConfigurationFiles.set(configurationAdmin, "dev.fluent.plugin",
                Map.of("await_capabilities", String.valueOf(await)));
    }

    private List<AuditRecord> audit(String action) {
        return auditLog.query(AuditQuery.builder().pluginId(PLUGIN).action(action).limit(50).build());
    }

    @Test
    public void aThirdPartyProviderServesItsCapabilitySuspendsOnStopAndResumesOnStart() throws Exception {
        offer();
        registry.load(plugin(true), false);
        assertEquals("3", run());

        String shown = executeCommand("plugin:show " + PLUGIN);
        assertTrue(shown, shown.contains(CAPABILITY));
        waitUntil("each use audited", () -> audit(MODULE + ".next").size() >= 3);

        withdraw();
        PluginException suspended = assertThrows(PluginException.class, this::run);
        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, suspended.code());
        assertTrue(suspended.getMessage(), suspended.getMessage().contains(CAPABILITY));
        waitUntil("suspension audited", () -> audit("suspend").stream().anyMatch(r -> CAPABILITY.equals(r.resource())));
        assertEquals(PluginInfo.SUSPENDED, registry.find(PLUGIN).orElseThrow().state());
        assertEquals(CAPABILITY, registry.find(PLUGIN).orElseThrow().unavailableCapability());

        offer();
        assertEquals("6", run());
        assertEquals(PluginInfo.SERVING, registry.find(PLUGIN).orElseThrow().state());
        waitUntil("resumption audited", () -> audit("resume").stream().anyMatch(r -> CAPABILITY.equals(r.resource())));
    }

    @Test
    public void withoutAProviderTheLoadIsRefusedNamingTheCapability() throws Exception {
        // Config Admin applies the previous test's await_capabilities = false asynchronously: until it has, the
        // load succeeds (suspended), so retry until the policy in force refuses it.
        Path folder = plugin(true);
        AtomicReference<PluginException> refused = new AtomicReference<>();
        waitUntil("await_capabilities = false applied", () -> {
            try {
                registry.load(folder, false);
                registry.unload(PLUGIN);
                return false;
            } catch (PluginException e) {
                refused.set(e);
                return true;
            }
        });
        PluginException e = refused.get();

        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, e.code());
        assertTrue(e.getMessage(), e.getMessage().contains("declares capability " + CAPABILITY));
        assertTrue(e.getMessage(), e.getMessage().contains("CapabilityProvider for " + CAPABILITY));
    }

    @Test
    public void whenThePolicyLetsItWaitThePluginLoadsSuspendedUntilAProviderStarts() throws Exception {
        await(true);
        Path folder = plugin(true);
        waitUntil("await_capabilities applied", () -> {
            try {
                registry.load(folder, false);
                return true;
            } catch (PluginException e) {
                return false;
            }
        });
        String listed = executeCommand("plugin:list");
        assertTrue(listed, listed.contains(PLUGIN) && listed.contains("suspended (no provider of " + CAPABILITY + ")"));
        assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, assertThrows(PluginException.class, this::run).code());

        offer();
        assertEquals("3", run());
    }

    @Test
    public void aPluginThatImportsTheModuleWithoutDeclaringTheCapabilityIsRefusedByName() throws Exception {
        offer();

        PluginException e = assertThrows(PluginException.class, () -> registry.load(plugin(false), false));

        assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage(), e.getMessage().contains(MODULE + ".next needs capability " + CAPABILITY));
    }
}
