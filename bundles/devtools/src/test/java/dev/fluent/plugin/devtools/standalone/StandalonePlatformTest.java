package dev.fluent.plugin.devtools.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on the platform the command line builds: what they print and how they fail is what the Karaf
 * shell's plugin:* twins print, since both call these methods.
 */
class StandalonePlatformTest {

    @TempDir
    Path temp;

    private final List<String> lines = new ArrayList<>();

    private static Path example(String name) {
        return Path.of(System.getProperty("fluent.examples.dir", "../../examples")).resolve(name).toAbsolutePath()
                .normalize();
    }

    private static StandalonePlatform trustingTheDevelopmentKey() {
        return StandalonePlatform.start(List.of(example("keys/dev-signing-key.pub.pem")), false, null);
    }

    @Test
    void validatesInspectsAndRunsASignedPluginWithTheKeysGiven() throws Exception {
        try (StandalonePlatform platform = trustingTheDevelopmentKey()) {
            AuthoringCommands commands = platform.commands();
            commands.validate(example("echo"), false, lines::add);
            assertEquals(List.of("validate echo: OK, passes every load check"), lines);

            lines.clear();
            commands.inspect(example("echo"), lines::add);
            assertEquals("plugin        echo 1.0.0 (engine echo)", lines.get(0));
            assertTrue(lines.contains("signed        by key 15c39e68cc27569911bc92aee39f03df"), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("exports       ") && l.contains("execute_request")),
                    lines::toString);
            assertEquals("validate echo: OK, passes every load check", lines.get(lines.size() - 1));

            lines.clear();
            commands.run(example("echo"), "hello world", null, false, lines::add);
            assertEquals(List.of("hello world"), lines);
        }
    }

    @Test
    void failsWithTheSummaryAfterListingEveryProblem() {
        try (StandalonePlatform platform = StandalonePlatform.start()) {
            CommandFailure failure = assertThrows(CommandFailure.class,
                    () -> platform.commands().validate(example("echo"), false, lines::add));
            assertEquals("validate echo: 1 error(s), the plugin does not load", failure.getMessage());
            assertTrue(lines.get(0).startsWith("HIGH   KEY_UNTRUSTED: "), lines::toString);
            assertTrue(lines.get(1).startsWith("       fix: "), lines::toString);

            CommandFailure refused = assertThrows(CommandFailure.class,
                    () -> platform.commands().run(example("echo"), "hello", null, false, lines::add));
            assertTrue(refused.getMessage().startsWith("KEY_UNTRUSTED: "), refused::getMessage);
        }
    }

    @Test
    void inspectWarnsOfAnUntrustedKeyAndFailsOnAnythingElse() throws Exception {
        try (StandalonePlatform platform = StandalonePlatform.start()) {
            platform.commands().inspect(example("echo"), lines::add);
            assertTrue(lines.contains("limits        memory 16 MiB, time 5000 ms, network requests 0, hosts none,"
                    + " file paths none, file size 1 MiB, rate 600/min"), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("WARN   KEY_UNTRUSTED: ")), lines::toString);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("HIGH")), lines::toString);
            assertEquals("inspect echo: passes every other load check; it loads where its signer's key is trusted",
                    lines.get(lines.size() - 1));

            Path tampered = Files.createDirectories(temp.resolve("tampered"));
            Files.copy(example("echo/manifest.json"), tampered.resolve("manifest.json"));
            Files.write(tampered.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
            CommandFailure failure = assertThrows(CommandFailure.class,
                    () -> platform.commands().inspect(tampered, lines::add));
            assertTrue(failure.getMessage().startsWith("validate echo: "), failure::getMessage);
        }
    }

    @Test
    void developmentModeLoadsAnUnsignedPlugin() throws Exception {
        Path unsigned = Files.createDirectories(temp.resolve("echo"));
        Files.copy(example("echo/plugin.wasm"), unsigned.resolve("plugin.wasm"));
        Files.writeString(unsigned.resolve("manifest.json"), Files.readString(example("echo/manifest.json"))
                .replaceAll("\"signature\": \"[^\"]*\",\\s*", ""));
        try (StandalonePlatform platform = StandalonePlatform.start(List.of(), true, null)) {
            platform.commands().run(unsigned, "unsigned", "test", true, lines::add);
        }
        assertTrue(lines.get(0).startsWith("{\"content\":\"unsigned\","), lines::toString);
    }

    @Test
    void signsWithAKeyItMadeAndThenTrustsIt() throws Exception {
        Path plugin = Files.createDirectories(temp.resolve("plugin"));
        Files.copy(example("echo/plugin.wasm"), plugin.resolve("plugin.wasm"));
        Files.copy(example("echo/manifest.json"), plugin.resolve("manifest.json"));
        try (StandalonePlatform platform = StandalonePlatform.start()) {
            platform.commands().keygen(null, temp.resolve("keys"), lines::add);
            platform.commands().sign(temp.resolve("keys/private.pem"), List.of(plugin), lines::add);
        }
        assertTrue(lines.get(0).startsWith("Generated ed25519 key "), lines::toString);
        assertTrue(lines.get(3).startsWith("Signed echo 1.0.0 with ed25519 key "), lines::toString);
        lines.clear();
        try (StandalonePlatform platform = StandalonePlatform.start(List.of(temp.resolve("keys/public.pem")), false,
                null)) {
            platform.commands().validate(plugin, true, lines::add);
        }
        assertTrue(lines.get(0).contains("\"loads\":true"), lines::toString);
    }

    @Test
    void createRefusesAnUnknownCapabilityWithTheManifestsCode() {
        try (StandalonePlatform platform = StandalonePlatform.start()) {
            CommandFailure failure = assertThrows(CommandFailure.class, () -> platform.commands()
                    .create("other", "x", List.of("LoggingAccess,Teleport"), temp, "", lines::add));
            assertTrue(failure.getMessage().startsWith("MANIFEST_INVALID: unknown capability Teleport; known: "),
                    failure::getMessage);
        }
        assertTrue(lines.isEmpty(), lines::toString);
        assertTrue(Files.notExists(temp.resolve("other")));
    }
}
