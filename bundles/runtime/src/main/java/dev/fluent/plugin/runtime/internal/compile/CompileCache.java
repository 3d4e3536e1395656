package dev.fluent.plugin.runtime.internal.compile;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.runtime.internal.abi.ChunkedMemory;
import dev.fluent.plugin.runtime.internal.abi.MemoryViews;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
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
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles each module once per checksum: in memory for reloads and repeated loads, and on disk so a
 * restart does not compile again.
 *
 * <p>A disk entry is the compiled classes Chicory produces, rewritten by the {@link MemoryAccessInliner} (as
 * {@link GeneratedClasses#encode()} writes them), preceded by an HMAC-SHA256 over the module's
 * checksum (the SHA-256 of its bytes, checked against the manifest before anything here runs) and the
 * classes, keyed by a secret only this installation holds ({@code cache.key}, readable by its owner only).
 * An entry that is torn, edited, or copied from elsewhere fails the check and is deleted and recompiled;
 * it is never loaded.
 *
 * <p>Entries are also bound to the compiler that made them ({@link #COMPILER}, a digest of Chicory's
 * compiler classes, of the rewrite and of the memory class it targets): after an upgrade of either, old
 * entries are simply not found, and recompiled.
 *
 * <p>An entry that passes the check proves more than its classes: this installation compiled exactly these
 * module bytes, which it did only after Chicory's validator accepted them. So a load that {@link #lookup
 * finds} an entry parses the module without validating it again (most of a parse), and one that finds the
 * module in memory does not parse it at all.
 */
public final class CompileCache {

    private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);
    private static final byte[] MAGIC = "FLUENT-CC3\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 32;
    /** Rewrites the memory accesses of every module compiled here. */
    static final MemoryAccessInliner INLINER = MemoryAccessInliner.forThisJvm();
    /**
     * Which compiler made an entry: the SHA-256 of the classes of Chicory's compiler in this bundle, of the
     * rewrite applied to its output and of the memory class the rewritten code reads, and the rewrite's mode.
     */
    public static final String COMPILER = compilerIdentity();
    /** Compiled modules kept in memory beyond those loaded plugins hold. */
    public static final int MEMORY_ENTRIES = 32;

    /**
     * A compiled module.
     *
     * @param interpretedFunctions how many of its functions the interpreter runs (too large for a JVM
     *        method); -1 while a deferred compilation has not happened yet
     */
    public record Compiled(WasmModule module, Function<Instance, Machine> machineFactory,
            IntSupplier interpretedFunctions) {
    }

    /**
     * What the cache holds for a checksum, looked up before the module is parsed.
     *
     * @param memory the module, parsed and compiled, if it is in memory
     * @param diskClasses the compiled classes of a disk entry that passed its integrity check, if any
     */
    public record Lookup(Compiled memory, byte[] diskClasses) {
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
    public CompileCache(Path directory) {
        this.directory = directory;
        this.key = directory == null ? null : loadKey(directory);
    }

    /**
     * @param checksum the module's SHA-256, the memory key
     * @throws RuntimeException whatever the compiler throws for a module it cannot compile
     */
    public Compiled compile(String checksum, WasmModule module) {
        return compile(checksum, module, null);
    }

    /**
     * Looks a checksum up in memory, then on disk (checking the entry's integrity; a bad one is deleted).
     */
    public Lookup lookup(String checksum) {
        synchronized (memory) {
            Compiled hit = memory.get(checksum);
            if (hit != null) {
                return new Lookup(hit, null);
            }
        }
        if (key == null) {
            return new Lookup(null, null);
        }
        try {
            return new Lookup(null, readVerified(checksum));
        } catch (IOException e) {
            LOG.warn("Compile cache entry for {} unreadable, compiling instead: {}", checksum, e.toString());
            return new Lookup(null, null);
        }
    }

    /**
     * @param diskClasses the verified classes {@link #lookup} found, or {@code null} to look on disk here
     */
    public Compiled compile(String checksum, WasmModule module, byte[] diskClasses) {
        synchronized (memory) {
            Compiled hit = memory.get(checksum);
            if (hit != null) {
                memoryHits.incrementAndGet();
                return hit;
            }
        }
        GeneratedClasses classes = key == null ? null : fromDisk(checksum, diskClasses);
        if (classes == null) {
            classes = GeneratedClasses.compile(module, INLINER);
            compilations.incrementAndGet();
            if (key != null) {
                try {
                    store(checksum, classes.encode());
                } catch (IOException e) {
                    LOG.warn("Could not store the compile cache entry for {}: {}", checksum, e.toString());
                }
            }
        }
        int interpreted = classes.interpreted().size();
        Compiled compiled = new Compiled(module, classes.load(), () -> interpreted);
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
    public Compiled deferred(String checksum, WasmModule module) {
        synchronized (memory) {
            Compiled hit = memory.get(checksum);
            if (hit != null) {
                memoryHits.incrementAndGet();
                return hit;
            }
        }
        class OnFirstUse implements Function<Instance, Machine>, IntSupplier {
            private volatile Function<Instance, Machine> factory;
            private volatile int interpreted = -1;

            @Override
            public int getAsInt() {
                return interpreted;
            }

            @Override
            public Machine apply(Instance instance) {
                Function<Instance, Machine> f = factory;
                if (f == null) {
                    synchronized (this) {
                        f = factory;
                        if (f == null) {
                            try {
                                Compiled done = compile(checksum, module);
                                f = done.machineFactory();
                                interpreted = done.interpretedFunctions().getAsInt();
                            } catch (RuntimeException e) {
                                throw new HostCallException(dev.fluent.plugin.api.ErrorCode.COMPILE_FAILED,
                                        "the module could not be compiled: " + e.getMessage());
                            }
                            factory = f;
                        }
                    }
                }
                return f.apply(instance);
            }
        }
        OnFirstUse onFirstUse = new OnFirstUse();
        return new Compiled(module, onFirstUse, onFirstUse);
    }

    /** Forgets a module, in memory and on disk: its entry turned out unusable. */
    public void discard(String checksum) {
        rejected.incrementAndGet();
        synchronized (memory) {
            memory.remove(checksum);
        }
        if (key != null) {
            try {
                Files.deleteIfExists(fileFor(checksum));
            } catch (IOException e) {
                LOG.warn("Could not delete compile cache entry for {}: {}", checksum, e.toString());
            }
        }
    }

    public long memoryHits() {
        return memoryHits.get();
    }

    public long diskHits() {
        return diskHits.get();
    }

    public long compilations() {
        return compilations.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /**
     * The classes of the verified disk entry for {@code checksum} ({@code preloaded} if the load already read
     * it); {@code null} if there is none.
     *
     * @throws IllegalStateException if a verified entry does not decode (the load then discards it)
     */
    private GeneratedClasses fromDisk(String checksum, byte[] preloaded) {
        byte[] stored;
        try {
            stored = preloaded != null ? preloaded : readVerified(checksum);
        } catch (IOException e) {
            LOG.warn("Compile cache entry for {} unreadable, compiling instead: {}", checksum, e.toString());
            return null;
        }
        if (stored == null) {
            return null;
        }
        try {
            GeneratedClasses classes = GeneratedClasses.decode(stored);
            diskHits.incrementAndGet();
            return classes;
        } catch (IOException e) {
            throw new IllegalStateException("compile cache entry for " + checksum + " is malformed: " + e.getMessage(), e);
        }
    }

    /** Writes the entry for {@code checksum}, unless there is one: atomically, with its MAC in front. */
    public void store(String checksum, byte[] classes) throws IOException {
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
    private byte[] readVerified(String checksum) throws IOException {
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
        return directory.resolve(sha256Hex((COMPILER + "/" + checksum).getBytes(StandardCharsets.UTF_8)) + ".classes");
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
            byte[] d = (COMPILER + "/" + checksum).getBytes(StandardCharsets.UTF_8);
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

    private static String compilerIdentity() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : new Class<?>[] {MachineFactoryCompiler.class, com.dylibso.chicory.compiler.internal.Compiler.class,
                    MemoryAccessInliner.class, AccessSite.class, GeneratedClasses.class, PluginMemory.class,
                    ChunkedMemory.class, MemoryViews.class}) {
                try (java.io.InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in == null) {
                        throw new IllegalStateException("cannot read " + c.getName() + ".class");
                    }
                    digest.update(in.readAllBytes());
                }
            }
            digest.update(INLINER.mode().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot identify the compiler", e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
