package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compute-heavy plugin through the real registry, its classes rewritten by the memory-access inliner: the
 * right answers, again after its instances are reset, and again from the compile cache on disk.
 */
class RewrittenCodeTest {

    /** What examples/sha256 hashes for a payload of n: byte i is (i * 31 + 7) & 0xFF. */
    private static String expected(int n) throws Exception {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void hashesRightThroughTheRegistryAndFromTheDiskCache(@TempDir Path data) throws Exception {
        Path plugin = Fixtures.examples().resolve("sha256");
        PluginRuntime runtime = Fixtures.developmentRuntime(data);
        try {
            runtime.load(plugin, false);
            for (int n : new int[] {0, 1, 55, 4095, 4097, 65_537, 1_048_576, 3}) {
                assertEquals(expected(n), runtime.execute("sha256", EngineRequest.of(Integer.toString(n))).content(),
                        "SHA-256 of " + n + " bytes");
            }
            assertEquals(1, runtime.compileCache().compilations());
        } finally {
            runtime.deactivate();
        }
        try (var entries = Files.list(data.resolve("compile-cache"))) {
            assertTrue(entries.anyMatch(f -> f.toString().endsWith(".classes")));
        }
        PluginRuntime restarted = Fixtures.developmentRuntime(data);
        try {
            restarted.load(plugin, false);
            assertEquals(expected(100_000), restarted.execute("sha256", EngineRequest.of("100000")).content());
            assertEquals(0, restarted.compileCache().compilations());
            assertEquals(1, restarted.compileCache().diskHits());
        } finally {
            restarted.deactivate();
        }
    }
}
