package dev.fluent.plugin.trust.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import dev.fluent.plugin.trust.internal.FileSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What plugin:keygen, plugin:sign, fluent-plugin keygen/sign and SignTool print: the same lines. */
class SigningCommandsTest {

    private static final String MANIFEST = """
            {
              "name": "sample",
              "version": "1.2.3",
              "engine_type": "echo",
              "checksum": "0000000000000000000000000000000000000000000000000000000000000000",
              "created_at": "2026-01-01T00:00:00Z",
              "expires_at": "2036-01-01T00:00:00Z"
            }
            """;

    @TempDir
    Path temp;

    private final SigningCommands commands = new SigningCommands(new FileSigner(new JsonManifestParser()));
    private final List<String> lines = new ArrayList<>();

    private Path plugin(String name) throws Exception {
        Path folder = Files.createDirectories(temp.resolve(name));
        Files.writeString(folder.resolve("manifest.json"), MANIFEST);
        Files.write(folder.resolve("plugin.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        return folder;
    }

    @Test
    void keygenNamesTheKeyAndBothFilesAndHowToTrustThePublicOne() throws Exception {
        Path keys = temp.resolve("keys");
        commands.keygen(null, keys, lines::add);
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("Generated ed25519 key [0-9a-f]{32}"), lines::toString);
        assertEquals("  private key: " + keys.resolve("private.pem") + " (keep it secret)", lines.get(1));
        assertEquals("  public key:  " + keys.resolve("public.pem") + " (trust it with plugin:trust add "
                + keys.resolve("public.pem") + ")", lines.get(2));
    }

    @Test
    void signWritesOneLinePerFolderAndStopsAtTheFirstFailure() throws Exception {
        commands.keygen("ed25519", temp.resolve("keys"), line -> { });
        Path key = temp.resolve("keys/private.pem");
        List<Path> folders = List.of(plugin("a"), temp.resolve("missing"), plugin("c"));
        PluginException e = assertThrows(PluginException.class, () -> commands.sign(key, folders, lines::add));
        assertEquals(ErrorCode.PLUGIN_NOT_FOUND, e.code());
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches(
                "Signed sample 1\\.2\\.3 with ed25519 key [0-9a-f]{32} \\(checksum [0-9a-f]{64}\\)"), lines::toString);
        assertTrue(Files.readString(folders.get(2).resolve("manifest.json")).contains("\"checksum\": \"0000"));
    }
}
