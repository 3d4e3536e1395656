package dev.fluent.plugin.host.environment.internal;

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
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProviderTest {

    private final Map<String, String> env = Map.of("API_KEY", "secret", "HOME", "/home/x", "SHELL", "/bin/sh");
    private final EnvironmentProvider provider = new EnvironmentProvider(
            Map.of("service.pid", EnvironmentProvider.PID, "reader", "API_KEY, UNSET_VAR", "other", "HOME"), env::get);
    private final HostFunctionDefinition envGet = provider.functions().get(0);

    private FakeHostCall call(String plugin) {
        return new FakeHostCall(FakeHostCall.grant(plugin, Permissions.DEFAULTS, Path.of("data"),
                Capability.ENVIRONMENT_ACCESS), 4096);
    }

    @Test
    void readsAnExposedVariableAndAuditsTheName() {
        FakeHostCall call = call("reader");
        assertEquals("secret", call.resultString(call.call(envGet, call.string("API_KEY"))));
        assertEquals("API_KEY", call.audited().get(0).resource());
        assertTrue(call.audited().get(0).success());
    }

    @Test
    void anExposedButUnsetVariableIsNotFound() {
        FakeHostCall call = call("reader");
        assertEquals(HostCall.NOT_FOUND, call.call(envGet, call.string("UNSET_VAR")));
    }

    @Test
    void refusesAVariableNotExposedToThatPlugin() {
        FakeHostCall call = call("reader");
        HostCallException e = assertThrows(HostCallException.class, () -> call.call(envGet, call.string("HOME")));
        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertTrue(e.getMessage().contains("HOME is not exposed to plugin reader"), e.getMessage());
        assertEquals("HOME", call.denials().get(0).resource());
    }

    @Test
    void aPluginWithoutConfigurationSeesNothing() {
        FakeHostCall call = call("stranger");
        HostCallException e = assertThrows(HostCallException.class, () -> call.call(envGet, call.string("API_KEY")));
        assertTrue(e.getMessage().contains("exposes none"), e.getMessage());
    }

    @Test
    void refusesBadNamesAndPointers() {
        FakeHostCall call = call("reader");
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> call.call(envGet, call.string("A=B"))).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> call.call(envGet, 4000, 200)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> call.call(envGet, 0, 0x8000_0000L)).code());
    }

    @Test
    void configurationChangesApplyToTheNextCall() {
        provider.modified(Map.of("reader", "HOME"));
        FakeHostCall call = call("reader");
        assertEquals("/home/x", call.resultString(call.call(envGet, call.string("HOME"))));
        assertThrows(HostCallException.class, () -> call.call(envGet, call.string("API_KEY")));
    }
}
