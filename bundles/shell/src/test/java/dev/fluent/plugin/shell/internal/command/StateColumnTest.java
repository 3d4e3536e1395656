package dev.fluent.plugin.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** plugin:list and plugin:show say whether a plugin serves, or which capability's provider it waits for. */
class StateColumnTest {

    private static PluginInfo loaded(String unavailableCapability) {
        PluginManifest manifest = new PluginManifest("report", "1.0.0", "", "", "report", Set.of(),
                Permissions.DEFAULTS, "0".repeat(64), null, null, null, Set.of("com.example.SqlQuery"));
        return new PluginInfo(manifest, Path.of("report"), Instant.EPOCH, 1, 1, 0, 0, 0, unavailableCapability);
    }

    @Test
    void aPluginWithItsProvidersServes() {
        assertEquals(PluginInfo.SERVING, loaded(null).state());
        assertEquals("serving", ListCommand.state(loaded(null)));
    }

    @Test
    void aSuspendedPluginNamesTheCapabilityItWaitsFor() {
        assertEquals(PluginInfo.SUSPENDED, loaded("com.example.SqlQuery").state());
        assertEquals("suspended (no provider of com.example.SqlQuery)",
                ListCommand.state(loaded("com.example.SqlQuery")));
    }
}
