package dev.fluent.plugin.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** plugin:list and plugin:show name the key that signed a plugin, and mark one loaded unsigned. */
class SignerColumnTest {

    private static PluginInfo loaded(String signature) {
        PluginManifest manifest = new PluginManifest("echo", "1.0.0", "", "", "echo", Set.of(), Permissions.DEFAULTS,
                "0".repeat(64), signature, null, null);
        return new PluginInfo(manifest, Path.of("echo"), Instant.EPOCH, 1, 1, 0, 0);
    }

    @Test
    void namesTheSigningKey() {
        assertEquals("15c39e68cc27569911bc92aee39f03df",
                ListCommand.signer(loaded("ed25519:15c39e68cc27569911bc92aee39f03df:c2lnbmF0dXJl")));
    }

    @Test
    void marksAPluginLoadedUnsigned() {
        assertEquals("UNSIGNED (development mode)", ListCommand.signer(loaded(null)));
    }
}
