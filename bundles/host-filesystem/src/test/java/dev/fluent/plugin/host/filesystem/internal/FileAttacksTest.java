package dev.fluent.plugin.host.filesystem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file attacks that once succeeded, each performed for real: a thread that swaps a folder and a symbolic
 * link while the plugin reads and writes beneath it, a FIFO where the plugin expects a file, and one execution
 * that writes hundreds of files.
 */
class FileAttacksTest {

    /** How long the racing thread runs at most, per attack. */
    private static final Duration RACE = Duration.ofSeconds(6);
    /** Calls made during the race at most; the race is over sooner if the attack succeeds. */
    private static final int RACE_CALLS = 40_000;

    @TempDir
    Path tmp;

    private Path data;
    private Path docs;
    private Path outside;
    private final List<Path> fifos = new ArrayList<>();
    private final List<Runnable> providers = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "file-attack");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void files() throws IOException {
        data = Files.createDirectories(tmp.resolve("data/plugin"));
        docs = Files.createDirectories(data.resolve("docs"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:SECRET");
    }

    @AfterEach
    void release() throws IOException {
        // Opening a FIFO for reading and writing never blocks on Linux, and releases whoever waits on it.
        for (Path fifo : fifos) {
            if (Files.exists(fifo)) {
                new RandomAccessFile(fifo.toFile(), "rw").close();
            }
        }
        threads.shutdownNow();
        providers.forEach(Runnable::run);
    }

    private HostFunctionDefinition reader() {
        FileReadProvider provider = new FileReadProvider(FileSystemSettings.DEFAULTS);
        providers.add(provider::deactivate);
        return provider.functions().get(0);
    }

    private HostFunctionDefinition writer() {
        FileWriteProvider provider = new FileWriteProvider(FileSystemSettings.DEFAULTS);
        providers.add(provider::deactivate);
        return provider.functions().get(0);
    }

    private FakeHostCall call(int memory, Capability... capabilities) {
        Permissions permissions = new Permissions(64, 5_000, 0, List.of(), List.of("docs"), 1, 60);
        Grant grant = new Grant("p", Set.of(capabilities), permissions, List.of(), data, false, false);
        return new FakeHostCall(grant, memory).remaining(Duration.ofSeconds(5));
    }

    private static long read(HostFunctionDefinition read, FakeHostCall call, String path) {
        long[] p = call.string(path);
        return call.call(read, p[0], p[1]);
    }

    private static long write(HostFunctionDefinition write, FakeHostCall call, String path, String content) {
        long[] p = call.string(path);
        long[] d = call.string(content);
        return call.call(write, p[0], p[1], d[0], d[1], 0);
    }

    /**
     * Swaps {@code docs/sub} between a real folder and a symbolic link to the outside folder, by renames, until
     * stopped: at every instant {@code docs/sub} is the folder, the link, or absent.
     */
    private Future<?> swapFolderAndLink(AtomicBoolean stop, AtomicLong swaps) throws IOException {
        Path sub = docs.resolve("sub");
        Path folder = Files.createDirectories(docs.resolve("sub.folder"));
        Files.writeString(folder.resolve("passwd"), "inside");
        Path link = Files.createSymbolicLink(docs.resolve("sub.link"), outside);
        return threads.submit(() -> {
            while (!stop.get()) {
                try {
                    Files.move(folder, sub, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(sub, folder, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, sub, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(sub, link, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
    }

    /** What the plugin got back from one call during a race. */
    private enum Outcome { READ_INSIDE, READ_OUTSIDE, WROTE, NOT_FOUND, FAILED, DENIED_LINK, DENIED_OTHER }

    private static void tally(long[] counts, Outcome outcome) {
        counts[outcome.ordinal()]++;
    }

    private static String describe(long[] counts) {
        StringBuilder b = new StringBuilder();
        for (Outcome o : Outcome.values()) {
            b.append(o).append('=').append(counts[o.ordinal()]).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void aFolderSwappedForALinkDuringTheCheckNeverLetsAReadOutside() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong();
        HostFunctionDefinition read = reader();
        Future<?> racer = swapFolderAndLink(stop, swaps);
        long[] counts = new long[Outcome.values().length];
        long end = System.nanoTime() + RACE.toNanos();
        try {
            for (int i = 0; i < RACE_CALLS && System.nanoTime() < end && counts[Outcome.READ_OUTSIDE.ordinal()] == 0; i++) {
                FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_READ);
                try {
                    long result = read(read, call, "docs/sub/passwd");
                    if (result == HostCall.NOT_FOUND) {
                        tally(counts, Outcome.NOT_FOUND);
                    } else if (result == HostCall.FAILED) {
                        tally(counts, Outcome.FAILED);
                    } else {
                        String content = call.resultString(result);
                        tally(counts, content.contains("SECRET") ? Outcome.READ_OUTSIDE : Outcome.READ_INSIDE);
                    }
                } catch (HostCallException e) {
                    assertEquals(ErrorCode.ACCESS_DENIED, e.code(), e.getMessage());
                    tally(counts, e.getMessage().contains("symbolic link") ? Outcome.DENIED_LINK : Outcome.DENIED_OTHER);
                    assertTrue(e.getMessage().contains("docs/sub/passwd"), e.getMessage());
                }
            }
        } finally {
            stop.set(true);
            racer.get(10, TimeUnit.SECONDS);
        }
        String summary = describe(counts) + " swaps=" + swaps.get();
        System.out.println("read race: " + summary);
        assertEquals(0, counts[Outcome.READ_OUTSIDE.ordinal()], "read outside the allowed folder: " + summary);
        assertTrue(counts[Outcome.READ_INSIDE.ordinal()] > 0, "the race never let the folder be read: " + summary);
        assertTrue(counts[Outcome.DENIED_LINK.ordinal()] > 0, "the race never met the link: " + summary);
        assertEquals(0, counts[Outcome.DENIED_OTHER.ordinal()], summary);
    }

    @Test
    void aFolderSwappedForALinkDuringTheCheckNeverLetsAWriteOutside() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong();
        HostFunctionDefinition write = writer();
        Future<?> racer = swapFolderAndLink(stop, swaps);
        long[] counts = new long[Outcome.values().length];
        Path planted = outside.resolve("planted.txt");
        long end = System.nanoTime() + RACE.toNanos();
        try {
            for (int i = 0; i < RACE_CALLS && System.nanoTime() < end && Files.notExists(planted); i++) {
                FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_WRITE);
                try {
                    long result = write(write, call, "docs/sub/planted.txt", "x");
                    tally(counts, result == 0 ? Outcome.WROTE : Outcome.FAILED);
                } catch (HostCallException e) {
                    assertEquals(ErrorCode.ACCESS_DENIED, e.code(), e.getMessage());
                    tally(counts, e.getMessage().contains("symbolic link") ? Outcome.DENIED_LINK : Outcome.DENIED_OTHER);
                }
            }
        } finally {
            stop.set(true);
            racer.get(10, TimeUnit.SECONDS);
        }
        String summary = describe(counts) + " swaps=" + swaps.get();
        System.out.println("write race: " + summary);
        assertFalse(Files.exists(planted), "wrote outside the allowed folder: " + summary);
        assertTrue(counts[Outcome.WROTE.ordinal()] > 0, "the race never let the folder be written: " + summary);
        assertTrue(counts[Outcome.DENIED_LINK.ordinal()] > 0, "the race never met the link: " + summary);
        assertEquals(0, counts[Outcome.DENIED_OTHER.ordinal()], summary);
    }

    // ------------------------------------------------------------------------------------ special files

    private Path mkfifo(Path fifo) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            throw e;
        }
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        fifos.add(fifo);
        return fifo;
    }

    /** Runs the call on a thread of its own, so that a call that blocks fails the test instead of hanging it. */
    private HostCallException refusedAtOnce(Callable call) throws Exception {
        long start = System.nanoTime();
        Future<Object> done = threads.submit(() -> {
            try {
                return call.run();
            } catch (HostCallException e) {
                return e;
            }
        });
        Object outcome;
        try {
            outcome = done.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the call still blocks after 2 s, against an execution deadline of 5 s");
            throw e;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 1000, "took " + ms + " ms");
        if (!(outcome instanceof HostCallException refusal)) {
            fail("expected a refusal, got " + outcome);
            throw new AssertionError();
        }
        return refusal;
    }

    private interface Callable {
        Object run() throws Exception;
    }

    @Test
    void aFifoIsRefusedAtOnceInsteadOfBlockingTheRead() throws Exception {
        mkfifo(docs.resolve("pipe"));
        FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_READ);
        HostFunctionDefinition read = reader();
        HostCallException e = refusedAtOnce(() -> read(read, call, "docs/pipe"));
        assertEquals(ErrorCode.ACCESS_DENIED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'docs/pipe' is a FIFO"), e.getMessage());
        assertEquals(1, call.denials().size());
    }

    @Test
    void aFifoIsRefusedAtOnceInsteadOfBlockingTheWrite() throws Exception {
        mkfifo(docs.resolve("pipe"));
        FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_WRITE);
        HostFunctionDefinition write = writer();
        HostCallException e = refusedAtOnce(() -> write(write, call, "docs/pipe", "data"));
        assertEquals(ErrorCode.ACCESS_DENIED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'docs/pipe' is a FIFO"), e.getMessage());
    }

    /**
     * A file swapped for a FIFO between the look at its type and its open: the open may then block, on a file
     * thread; the execution never waits past its deadline, and never reads from the FIFO.
     */
    @Test
    void aFileSwappedForAFifoNeverHoldsTheExecutionPastItsDeadline() throws Exception {
        Path fifo = mkfifo(docs.resolve("swap.fifo"));
        Path file = Files.writeString(docs.resolve("swap.file"), "regular");
        Path name = docs.resolve("swap");
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> racer = threads.submit(() -> {
            while (!stop.get()) {
                try {
                    Files.move(file, name, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(name, file, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(fifo, name, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(name, fifo, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
        HostFunctionDefinition read = reader();
        Duration deadline = Duration.ofMillis(300);
        long[] counts = new long[4]; // read, not found, refused as special, timed out
        long slowest = 0;
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try {
            while (System.nanoTime() < end) {
                FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_READ).remaining(deadline);
                long start = System.nanoTime();
                Future<Object> done = threads.submit(() -> {
                    try {
                        return read(read, call, "docs/swap") == HostCall.NOT_FOUND ? "not found" : call.lastError() == null
                                ? "read" : call.lastError();
                    } catch (HostCallException e) {
                        return e;
                    }
                });
                Object outcome = done.get(deadline.toMillis() + 2000, TimeUnit.MILLISECONDS);
                slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                if (outcome.equals("read")) {
                    counts[0]++;
                } else if (outcome.equals("not found")) {
                    counts[1]++;
                } else if (outcome instanceof HostCallException e && e.code() == ErrorCode.ACCESS_DENIED
                        && e.getMessage().startsWith("'docs/swap' is a ") && e.getMessage().contains("FIFO")) {
                    counts[2]++;
                } else if (outcome instanceof HostCallException e && e.code() == ErrorCode.TIMEOUT) {
                    counts[3]++;
                } else {
                    fail("unexpected " + outcome);
                }
            }
        } catch (TimeoutException e) {
            fail("a read held its execution 2 s past its deadline of " + deadline.toMillis() + " ms");
        } finally {
            stop.set(true);
            racer.get(10, TimeUnit.SECONDS);
        }
        String summary = "read=" + counts[0] + " not_found=" + counts[1] + " refused_fifo=" + counts[2] + " timed_out="
                + counts[3] + " slowest=" + slowest + " ms";
        System.out.println("fifo race: " + summary);
        assertTrue(counts[0] > 0 && counts[2] > 0, summary);
        assertTrue(slowest < deadline.toMillis() + 1000, summary);
    }

    @Test
    void aFifoOnTheWayIsRefusedAtOnce() throws Exception {
        mkfifo(docs.resolve("pipe"));
        FakeHostCall call = call(64 * 1024, Capability.FILE_SYSTEM_READ);
        HostFunctionDefinition read = reader();
        Future<Long> done = threads.submit(() -> read(read, call, "docs/pipe/file.txt"));
        assertEquals(HostCall.NOT_FOUND, done.get(2, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------------------------------ quotas

    @Test
    void oneExecutionCannotWriteThreeHundredFilesOfOneMebibyte() throws Exception {
        FakeHostCall call = call(4 * 1024 * 1024, Capability.FILE_SYSTEM_WRITE);
        HostFunctionDefinition write = writer();
        long data = call.put(new byte[1024 * 1024]);
        int written = 0;
        HostCallException refused = null;
        for (int i = 0; i < 300 && refused == null; i++) {
            long[] p = call.string("docs/f" + i + ".bin");
            try {
                assertEquals(0, call.call(write, p[0], p[1], data, 1024 * 1024, 0));
                written++;
            } catch (HostCallException e) {
                refused = e;
            }
        }
        try (var files = Files.list(docs)) {
            assertTrue(files.count() <= 16, written + " files written");
        }
        assertTrue(refused != null, "all " + written + " files written");
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code(), refused.getMessage());
        assertEquals(16, written, refused.getMessage());
        assertTrue(refused.getMessage().contains("max_files_created_per_execution=16")
                || refused.getMessage().contains("max_bytes_written_per_execution=16777216"), refused.getMessage());
        assertTrue(refused.getMessage().contains("dev.fluent.plugin.host.filesystem"), refused.getMessage());
        assertEquals(1, call.denials().size());
    }
}
