package dev.fluent.plugin.runtime.internal.compile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compile cache's entries on disk: one file per compiler and module checksum, written atomically, holding
 * the classes behind a magic line and an HMAC-SHA256 keyed by this installation's secret ({@code cache.key},
 * readable by its owner only). An entry that fails the check is deleted, never returned.
 */
final class CacheEntries {

    private static final Logger LOG = LoggerFactory.getLogger(CacheEntries.class);
    private static final byte[] MAGIC = "FLUENT-CC3\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 32;

    private final Path directory;
    private final String compiler;
    private final SecretKeySpec key;
    private final AtomicLong rejected = new AtomicLong();

    /** @param compiler what made the entries ({@link CompileCache#COMPILER}): part of each file name and MAC */
    CacheEntries(Path directory, String compiler) {
        this.directory = directory;
        this.compiler = compiler;
        this.key = loadKey(directory);
    }

    /** Whether entries can be kept: the folder and its key are usable. */
    boolean usable() {
        return key != null;
    }

    /** Entries that failed their integrity check, and were deleted. */
    long rejected() {
        return rejected.get();
    }

    void delete(String checksum) throws IOException {
        Files.deleteIfExists(fileFor(checksum));
    }

    /** Writes the entry for {@code checksum}, unless there is one: atomically, with its MAC in front. */
    void store(String checksum, byte[] classes) throws IOException {
        Path file = fileFor(checksum);
        if (Files.exists(file)) {
            return;
        }
        byte[] mac = mac(checksum, classes);
        ByteBuffer entry = ByteBuffer.allocate(MAGIC.length + MAC_BYTES + classes.length);
        entry.put(MAGIC).put(mac).put(classes);
        Path temp = Files.createTempFile(directory, "entry", ".tmp");
        try {
            Files.write(temp, entry.array());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } catch (FileAlreadyExistsException raced) {
            // Another load wrote the same entry.
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The verified classes of the entry for {@code checksum}; {@code null} if none, or if it was bad (deleted). */
    byte[] readVerified(String checksum) throws IOException {
        Path file = fileFor(checksum);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        byte[] classes = verified(checksum, Files.readAllBytes(file));
        if (classes == null) {
            rejected.incrementAndGet();
            LOG.warn("Discarded compile cache entry {}: it fails its integrity check (torn, edited or foreign)",
                    file.getFileName());
            Files.deleteIfExists(file);
        }
        return classes;
    }

    private Path fileFor(String checksum) {
        return directory.resolve(CompileCache.sha256Hex((compiler + "/" + checksum).getBytes(StandardCharsets.UTF_8)) + ".classes");
    }

    private byte[] verified(String checksum, byte[] entry) {
        if (entry.length < MAGIC.length + MAC_BYTES
                || !Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        byte[] classes = Arrays.copyOfRange(entry, MAGIC.length + MAC_BYTES, entry.length);
        byte[] expected = mac(checksum, classes);
        byte[] actual = Arrays.copyOfRange(entry, MAGIC.length, MAGIC.length + MAC_BYTES);
        return MessageDigest.isEqual(expected, actual) ? classes : null;
    }

    private byte[] mac(String checksum, byte[] classes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] d = (compiler + "/" + checksum).getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(4).putInt(d.length).array());
            mac.update(d);
            return mac.doFinal(classes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    private static SecretKeySpec loadKey(Path directory) {
        try {
            Files.createDirectories(directory);
            Path keyFile = directory.resolve("cache.key");
            if (!Files.exists(keyFile)) {
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                Path temp = Files.createTempFile(directory, "key", ".tmp");
                try {
                    restrict(temp);
                    Files.write(temp, secret);
                    Files.move(temp, keyFile, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first; use theirs.
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            byte[] secret = Files.readAllBytes(keyFile);
            if (secret.length != 32) {
                throw new IOException(keyFile + " is not a 32-byte key");
            }
            return new SecretKeySpec(secret, "HmacSHA256");
        } catch (IOException e) {
            LOG.warn("Compile cache on disk disabled: {}", e.toString());
            return null;
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Non-POSIX file systems: the folder's own permissions protect it.
        }
    }
}
