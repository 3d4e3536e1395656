package dev.fluent.plugin.runtime.internal.compile;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.runtime.internal.abi.LinearStorage;
import dev.fluent.plugin.runtime.internal.abi.MemoryViews;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
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

    /** The entries on disk; {@code null} for memory only, or when the folder or its key is unusable. */
    private final CacheEntries disk;
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
    private final AtomicLong discarded = new AtomicLong();

    /** @param directory where compiled modules are kept, or {@code null} for memory only */
    public CompileCache(Path directory) {
        CacheEntries entries = directory == null ? null : new CacheEntries(directory, COMPILER);
        this.disk = entries != null && entries.usable() ? entries : null;
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
        if (disk == null) {
            return new Lookup(null, null);
        }
        try {
            return new Lookup(null, disk.readVerified(checksum));
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
        GeneratedClasses classes = disk == null ? null : fromDisk(checksum, diskClasses);
        if (classes == null) {
            classes = GeneratedClasses.compile(module, INLINER);
            compilations.incrementAndGet();
            if (disk != null) {
                try {
                    disk.store(checksum, classes.encode());
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
        discarded.incrementAndGet();
        synchronized (memory) {
            memory.remove(checksum);
        }
        if (disk != null) {
            try {
                disk.delete(checksum);
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

    /** Entries dropped as unusable: failing their integrity check, or not decoding. */
    public long rejected() {
        return discarded.get() + (disk == null ? 0 : disk.rejected());
    }

    /** Writes the disk entry for {@code checksum}, unless there is one (or there is no disk cache). */
    public void store(String checksum, byte[] classes) throws IOException {
        if (disk != null) {
            disk.store(checksum, classes);
        }
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
            stored = preloaded != null ? preloaded : disk.readVerified(checksum);
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

    private static String compilerIdentity() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : new Class<?>[] {MachineFactoryCompiler.class, com.dylibso.chicory.compiler.internal.Compiler.class,
                    MemoryAccessInliner.class, AccessSite.class, LoopCheckSite.class, OperatorSite.class, GlobalSite.class,
                    RewriteSite.class, LoopVersion.class, AddressForm.class, AddressForm.Evaluator.class,
                    CodeSize.class, GeneratedClasses.class, PluginMemory.class,
                    LinearStorage.class, MemoryViews.class}) {
                // The binary name: a nested class's file is Outer$Nested.class.
                String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
                try (java.io.InputStream in = c.getResourceAsStream(file)) {
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
