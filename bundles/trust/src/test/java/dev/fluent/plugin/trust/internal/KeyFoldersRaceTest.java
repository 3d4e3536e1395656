package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups race the background scan: whichever reads the folders, every key is told trusted once when its
 * file appears and never untrusted while its file stays, and each revocation and reinstatement is told once,
 * by the thread that brought it.
 */
class KeyFoldersRaceTest {

    @TempDir
    Path temp;

    @Test
    void aScanRacingLookupsAndNewSettingsTellsEachChangeOnce() throws Exception {
        Map<String, Object> config = new HashMap<>();
        Path trusted = temp.resolve("trusted");
        config.put(TrustSettings.TRUSTED_KEYS_DIR, trusted.toString());
        config.put(TrustSettings.DEVELOPMENT_KEYS_DIR, temp.resolve("development").toString());
        List<String> changes = Collections.synchronizedList(new ArrayList<>());
        KeyFolders folders = new KeyFolders(TrustSettings.from(config),
                (id, change) -> changes.add(change + " " + id), new Algorithms());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread scan = new Thread(() -> {
            while (running.get()) {
                folders.refresh();
            }
        });
        scan.start();
        List<String> expected = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                KeyPair pair = TestKeys.ed25519();
                String id = TestKeys.keyId(pair);
                // Written aside and moved in, as plugin:trust add does: a half-written file is another matter.
                Path written = TestKeys.write(temp.resolve(id + ".tmp"),
                        Pem.write(Pem.PUBLIC_KEY, pair.getPublic().getEncoded()));
                Files.move(written, trusted.resolve(id + ".pem"), StandardCopyOption.ATOMIC_MOVE);
                folders.keys();
                expected.add("TRUSTED " + id);
                if (i % 5 == 0) {
                    // The thread that brings new settings tells their change: it is told when the call returns.
                    config.put(TrustSettings.REVOKED_KEYS, id);
                    folders.configure(TrustSettings.from(config));
                    assertTrue(changes.contains("REVOKED " + id), "told before configure returned");
                    config.put(TrustSettings.REVOKED_KEYS, "");
                    folders.configure(TrustSettings.from(config));
                    assertTrue(changes.contains("REINSTATED " + id), "told before configure returned");
                    expected.add("REVOKED " + id);
                    expected.add("REINSTATED " + id);
                }
            }
        } finally {
            running.set(false);
            scan.join();
        }
        // Changes found by two threads at nearly the same moment may reach the listener in either order.
        expected.sort(null);
        List<String> told = new ArrayList<>(changes);
        told.sort(null);
        assertEquals(expected, told);
    }
}
