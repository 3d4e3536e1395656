package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles each module once per checksum: in memory for reloads and repeated loads, and on disk so a
 * restart does not compile again.
 *
 * <p>A disk entry is the compiled classes Chicory produces, preceded by an HMAC-SHA256 over the module
 * digest and the classes, keyed by a secret only this installation holds ({@code cache.key}, readable by
 * its owner only). An entry that is torn, edited, or copied from elsewhere fails the check and is deleted
 * and recompiled; it is never loaded.
 */
final class CompileCache {

    private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);
    private static final byte[] MAGIC = "FLUENT-CC1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 32;
    /** Compiled modules kept in memory beyond those loaded plugins hold. */
    static final int MEMORY_ENTRIES = 32;

    /** A compiled module. */
    record Compiled(WasmModule module, Function<Instance, Machine> machineFactory) {
    }

    private final Path directory;
    private final SecretKeySpec key;
    private final Map<String, Compiled> memory = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > MEMORY_ENTRIES;
        }
    };
    private final AtomicLong memoryHits = new AtomicLong();
    private final AtomicLong diskHits = new AtomicLong();
    private final AtomicLong compilations = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** @param directory where compiled modules are kept, or {@code null} for memory only */
    CompileCache(Path directory) {
        this.directory = directory;
        this.key = directory == null ? null : loadKey(directory);
    }

    /**
     * @param checksum the module's SHA-256, the memory key
     * @throws RuntimeException whatever the compiler throws for a module it cannot compile
     */
    Compiled compile(String checksum, WasmModule module) {
        synchronized (memory) {
            Compiled hit = memory.get(checksum);
            if (hit != null) {
                memoryHits.incrementAndGet();
                return hit;
            }
        }
        var builder = MachineFactoryCompiler.builder(module)
                // FAIL rather than fall back: the interpreter does not honour interruption on every loop,
                // so a function it ran could not be stopped at its deadline.
                .withInterpreterFallback(InterpreterFallback.FAIL);
        if (key != null) {
            builder.withCache(new DiskCache());
        }
        Compiled compiled = new Compiled(module, builder.compile());
        if (key == null) {
            compilations.incrementAndGet();
        }
        synchronized (memory) {
            memory.put(checksum, compiled);
        }
        return compiled;
    }

    /**
     * A compiled module whose compilation waits for its first instantiation (lazy mode): loading stays
     * cheap, the first execution pays for the compiler (or the disk cache). A module the compiler refuses
     * then fails that execution with COMPILE_FAILED.
     */
    Compiled deferred(String checksum, WasmModule module) {
        synchronized (memory) {
            Compiled hit = memory.get(checksum);
            if (hit != null) {
                memoryHits.incrementAndGet();
                return hit;
            }
        }
        Function<Instance, Machine> onFirstUse = new Function<>() {
            private volatile Function<Instance, Machine> factory;

            @Override
            public Machine apply(Instance instance) {
                Function<Instance, Machine> f = factory;
                if (f == null) {
                    synchronized (this) {
                        f = factory;
                        if (f == null) {
                            try {
                                f = compile(checksum, module).machineFactory();
                            } catch (RuntimeException e) {
                                throw new HostFault(dev.fluent.plugin.api.ErrorCode.COMPILE_FAILED,
                                        "the module could not be compiled: " + e.getMessage());
                            }
                            factory = f;
                        }
                    }
                }
                return f.apply(instance);
            }
        };
        return new Compiled(module, onFirstUse);
    }

    long memoryHits() {
        return memoryHits.get();
    }

    long diskHits() {
        return diskHits.get();
    }

    long compilations() {
        return compilations.get();
    }

    long rejected() {
        return rejected.get();
    }

    /** Chicory's cache hook: consulted with the module's digest before compiling, given the result after. */
    private final class DiskCache implements Cache {

        @Override
        public byte[] get(String digest) throws IOException {
            Path file = fileFor(digest);
            if (!Files.isRegularFile(file)) {
                compilations.incrementAndGet();
                return null;
            }
            byte[] entry = Files.readAllBytes(file);
            byte[] classes = verified(digest, entry);
            if (classes == null) {
                rejected.incrementAndGet();
                compilations.incrementAndGet();
                LOG.warn("Discarded compile cache entry {}: it fails its integrity check (torn, edited or foreign)",
                        file.getFileName());
                Files.deleteIfExists(file);
                return null;
            }
            diskHits.incrementAndGet();
            return classes;
        }

        @Override
        public void putIfAbsent(String digest, byte[] classes) throws IOException {
            Path file = fileFor(digest);
            if (Files.exists(file)) {
                return;
            }
            byte[] mac = mac(digest, classes);
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
    }

    private Path fileFor(String digest) {
        return directory.resolve(sha256Hex(digest.getBytes(StandardCharsets.UTF_8)) + ".classes");
    }

    private byte[] verified(String digest, byte[] entry) {
        if (entry.length < MAGIC.length + MAC_BYTES
                || !Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        byte[] classes = Arrays.copyOfRange(entry, MAGIC.length + MAC_BYTES, entry.length);
        byte[] expected = mac(digest, classes);
        byte[] actual = Arrays.copyOfRange(entry, MAGIC.length, MAGIC.length + MAC_BYTES);
        return MessageDigest.isEqual(expected, actual) ? classes : null;
    }

    private byte[] mac(String digest, byte[] classes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] d = digest.getBytes(StandardCharsets.UTF_8);
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

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
