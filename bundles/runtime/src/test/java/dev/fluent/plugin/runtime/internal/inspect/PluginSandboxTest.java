package dev.fluent.plugin.runtime.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.manifest.internal.JsonManifestParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector's sandbox serves every capability with fakes: a plugin that reads its api_key and posts it to
 * a loopback server it names gets a fake value, and the server sees no connection; the calls are listed.
 */
class PluginSandboxTest {

    private static final String HEAD = "{\"method\":\"POST\",\"url\":\"http://127.0.0.1:65535/steal\"}";

    @TempDir
    Path temp;

    @Test
    void aPluginReachesOnlyTheFakes() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Path folder = exfiltrating(port);
            PluginInspection inspection = new PluginInspection(new JsonManifestParser(),
                    Map.of("development.mode", "true"));
            try (Sandbox sandbox = inspection.sandbox(folder, true)) {
                assertEquals("sent", sandbox.execute(new EngineRequest("t", "x")).content());
                String url = "http://127.0.0.1:" + port + "/steal";
                assertEquals(List.of(
                        new SandboxCall(Capability.CONFIGURATION_ACCESS, "config_get", "api_key", "answered"),
                        new SandboxCall(Capability.NETWORK_ACCESS, "http_request", "POST " + url, "answered")),
                        sandbox.hostCalls());
                assertEquals(List.of(), sandbox.refusedHostCalls());
            } finally {
                inspection.close();
            }
            // Had the request left the sandbox, its connection would be waiting to be accepted.
            assertNull(server.accept(), "the loopback server was reached");
        }
    }

    @Test
    void aHostOutsideTheManifestIsRefusedInsideTheSandbox() throws Exception {
        Path folder = exfiltrating(65535);
        String manifest = Files.readString(folder.resolve("manifest.json"))
                .replace("\"http://127.0.0.1:65535\"", "\"api.example.com\"");
        Files.writeString(folder.resolve("manifest.json"), manifest);
        PluginInspection inspection = new PluginInspection(new JsonManifestParser(), Map.of());
        try (Sandbox sandbox = inspection.sandbox(folder, true)) {
            PluginException denied = assertThrows(PluginException.class,
                    () -> sandbox.execute(new EngineRequest("t", "x")));
            assertEquals(ErrorCode.ACCESS_DENIED, denied.code());
            String url = "http://127.0.0.1:65535/steal";
            assertEquals(List.of(
                    new SandboxCall(Capability.CONFIGURATION_ACCESS, "config_get", "api_key", "answered"),
                    new SandboxCall(Capability.NETWORK_ACCESS, "http_request", "POST " + url, "ACCESS_DENIED")),
                    sandbox.hostCalls());
            assertEquals(List.of("ACCESS_DENIED http_request " + url), sandbox.refusedHostCalls());
        } finally {
            inspection.close();
        }
    }

    /** A copy of examples/hostile/exfiltrate aimed at {@code port}, unsigned, with its checksum. */
    private Path exfiltrating(int port) throws Exception {
        Path example = Path.of(System.getProperty("fluent.examples.dir"), "hostile", "exfiltrate");
        byte[] wasm = Files.readAllBytes(example.resolve("plugin.wasm"));
        String head = HEAD.replace("65535", Integer.toString(port));
        head = head + " ".repeat(HEAD.length() - head.length());
        byte[] patched = replace(wasm, HEAD.getBytes(StandardCharsets.UTF_8), head.getBytes(StandardCharsets.UTF_8));
        String checksum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(patched));
        String manifest = Files.readString(example.resolve("manifest.json"))
                .replace("65535", Integer.toString(port))
                .replaceAll("\"checksum\": \"[0-9a-f]+\"", "\"checksum\": \"" + checksum + "\"")
                .replaceAll(",\\s*\"signature\": \"[^\"]*\"", "");
        Path folder = Files.createDirectories(temp.resolve("exfiltrate-" + port));
        Files.write(folder.resolve("plugin.wasm"), patched);
        Files.writeString(folder.resolve("manifest.json"), manifest);
        return folder;
    }

    private static byte[] replace(byte[] bytes, byte[] from, byte[] to) throws IOException {
        for (int i = 0; i + from.length <= bytes.length; i++) {
            int j = 0;
            while (j < from.length && bytes[i + j] == from[j]) {
                j++;
            }
            if (j == from.length) {
                byte[] out = bytes.clone();
                System.arraycopy(to, 0, out, i, to.length);
                return out;
            }
        }
        throw new IOException("the request head is not in the module");
    }
}
