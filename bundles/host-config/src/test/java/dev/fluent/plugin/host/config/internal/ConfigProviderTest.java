package dev.fluent.plugin.host.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.nio.file.Path;
import java.util.Hashtable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.ConfigurationException;

class ConfigProviderTest {

    private final ConfigProvider provider = new ConfigProvider();
    private final HostFunctionDefinition configGet = provider.functions().get(0);

    @BeforeEach
    void configure() throws ConfigurationException {
        Hashtable<String, Object> a = new Hashtable<>();
        a.put("service.pid", "dev.fluent.plugin.host.config~a");
        a.put("service.factoryPid", ConfigProvider.FACTORY_PID);
        a.put("plugin.id", "engine-a");
        a.put("api_key", "sk-a");
        a.put("models", new String[] {"m1", "m2"});
        provider.updated("pid-a", a);
        Hashtable<String, Object> b = new Hashtable<>();
        b.put("plugin.id", "engine-b");
        b.put("api_key", "sk-b");
        provider.updated("pid-b", b);
    }

    private FakeHostCall call(String plugin) {
        return new FakeHostCall(FakeHostCall.grant(plugin, Permissions.DEFAULTS, Path.of("data"),
                Capability.CONFIGURATION_ACCESS), 4096);
    }

    @Test
    void eachPluginSeesOnlyItsOwnValues() {
        FakeHostCall a = call("engine-a");
        assertEquals("sk-a", a.resultString(a.call(configGet, a.string("api_key"))));
        assertEquals("m1,m2", a.resultString(a.call(configGet, a.string("models"))));
        FakeHostCall b = call("engine-b");
        assertEquals("sk-b", b.resultString(b.call(configGet, b.string("api_key"))));
        assertEquals(HostCall.NOT_FOUND, b.call(configGet, b.string("models")));
        FakeHostCall c = call("engine-c");
        assertEquals(HostCall.NOT_FOUND, c.call(configGet, c.string("api_key")));
    }

    @Test
    void auditsTheKeyNeverTheValue() {
        FakeHostCall a = call("engine-a");
        a.call(configGet, a.string("api_key"));
        assertEquals("api_key", a.audited().get(0).resource());
        assertTrue(a.audited().stream().noneMatch(e -> e.details().containsValue("sk-a")));
    }

    @Test
    void frameworkKeysAreNotVisible() {
        FakeHostCall a = call("engine-a");
        for (String key : new String[] {"service.pid", "plugin.id", "service.factoryPid", ""}) {
            HostCallException e = assertThrows(HostCallException.class, () -> a.call(configGet, a.string(key)));
            assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        }
    }

    @Test
    void deletedConfigurationIsGone() {
        provider.deleted("pid-a");
        FakeHostCall a = call("engine-a");
        assertEquals(HostCall.NOT_FOUND, a.call(configGet, a.string("api_key")));
    }

    @Test
    void refusesAConfigurationWithoutPluginId() {
        assertThrows(ConfigurationException.class, () -> provider.updated("pid-x", new Hashtable<>()));
    }

    @Test
    void refusesOutOfBoundsKeys() {
        FakeHostCall a = call("engine-a");
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> a.call(configGet, 4090, 100)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> a.call(configGet, 16, 0x8000_0000L)).code());
    }
}
