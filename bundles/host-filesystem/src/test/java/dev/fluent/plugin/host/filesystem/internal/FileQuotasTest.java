package dev.fluent.plugin.host.filesystem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-execution quotas of fs_read and fs_write, and the per-plugin quota on the data folder, on real files. */
class FileQuotasTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path root;

    @BeforeEach
    void files() throws IOException {
        data = Files.createDirectories(tmp.resolve("data/plugin"));
        Files.createDirectories(data.resolve("docs"));
        root = Files.createDirectories(tmp.resolve("shared"));
    }

    private FakeHostCall call() {
        Permissions permissions = new Permissions(64, 30_000, 0, List.of(),
                List.of("docs", root.toString()), 1, 60);
        Grant grant = new Grant("p", Set.of(Capability.FILE_SYSTEM_READ, Capability.FILE_SYSTEM_WRITE), permissions,
                List.of(root), data, false, false);
        return new FakeHostCall(grant, 4 * 1024 * 1024);
    }

    private static long write(HostFunctionDefinition write, FakeHostCall call, String path, byte[] content, int flags) {
        long[] p = call.string(path);
        long d = call.put(content);
        return call.call(write, p[0], p[1], d, content.length, flags);
    }

    private static long read(HostFunctionDefinition read, FakeHostCall call, String path) {
        long[] p = call.string(path);
        return call.call(read, p[0], p[1]);
    }

    private static HostCallException limit(Runnable action, String... mentions) {
        HostCallException e = assertThrows(HostCallException.class, action::run);
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code(), e.getMessage());
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), e.getMessage());
        }
        assertTrue(e.getMessage().contains("etc/dev.fluent.plugin.host.filesystem.cfg"), e.getMessage());
        return e;
    }

    private static void assertDeniedOnce(FakeHostCall call, String action) {
        assertEquals(1, call.denials().size(), call.audited().toString());
        assertEquals(action, call.denials().get(0).action());
        assertEquals("LIMIT_EXCEEDED", call.denials().get(0).details().get("code"));
    }

    @Test
    void callsOfOneExecutionAreCountedAcrossReadAndWrite() throws IOException {
        Files.writeString(data.resolve("docs/a.txt"), "a");
        FileSystemSettings settings = new FileSystemSettings(5, 1 << 20, 16, 1 << 30);
        HostFunctionDefinition read = new FileReadProvider(settings).functions().get(0);
        HostFunctionDefinition write = new FileWriteProvider(settings).functions().get(0);
        FakeHostCall call = call();
        for (int i = 0; i < 3; i++) {
            read(read, call, "docs/a.txt");
        }
        write(write, call, "docs/b.txt", new byte[1], 0);
        read(read, call, "docs/missing.txt");
        limit(() -> read(read, call, "docs/a.txt"), "file call 6", "max_calls_per_execution=5", "'docs/a.txt'");
        assertDeniedOnce(call, AuditActions.FS_READ);
        FakeHostCall next = call();
        assertEquals("a", next.resultString(read(read, next, "docs/a.txt")), "the next execution has its own budget");
    }

    @Test
    void bytesWrittenByOneExecutionAreCappedBeforeTheWrite() throws IOException {
        HostFunctionDefinition write = new FileWriteProvider(new FileSystemSettings(256, 1000, 16, 1 << 30))
                .functions().get(0);
        FakeHostCall call = call();
        write(write, call, "docs/log.txt", new byte[600], 0);
        write(write, call, "docs/log.txt", new byte[400], FileWriteProvider.APPEND);
        limit(() -> write(write, call, "docs/log.txt", new byte[1], FileWriteProvider.APPEND),
                "max_bytes_written_per_execution=1000", "1001 bytes", "'docs/log.txt'");
        assertEquals(1000, Files.size(data.resolve("docs/log.txt")), "nothing of the refused write was written");
        assertDeniedOnce(call, AuditActions.FS_WRITE);
    }

    @Test
    void filesCreatedByOneExecutionAreCappedButRewritesAreNot() throws IOException {
        HostFunctionDefinition write = new FileWriteProvider(new FileSystemSettings(256, 1 << 20, 2, 1 << 30))
                .functions().get(0);
        FakeHostCall call = call();
        write(write, call, "docs/1.txt", new byte[1], 0);
        write(write, call, "docs/2.txt", new byte[1], 0);
        for (int i = 0; i < 5; i++) {
            write(write, call, "docs/1.txt", new byte[1], FileWriteProvider.APPEND);
        }
        limit(() -> write(write, call, "docs/3.txt", new byte[1], 0),
                "max_files_created_per_execution=2", "'docs/3.txt'", "3 files");
        assertTrue(Files.notExists(data.resolve("docs/3.txt")));
        assertDeniedOnce(call, AuditActions.FS_WRITE);
        assertEquals("true", call.audited().get(0).details().get("created"));
        assertEquals("false", call.audited().get(2).details().get("created"));
    }

    @Test
    void theDataFolderHoldsAtMostItsQuotaCountedWithoutFollowingLinks() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(outside.resolve("huge.bin"), new byte[2 * 1024 * 1024]);
        Files.createSymbolicLink(data.resolve("docs/huge-link"), outside);
        Files.createSymbolicLink(data.resolve("docs/huge-file-link"), outside.resolve("huge.bin"));
        Files.write(data.resolve("docs/old.bin"), new byte[500 * 1024]);
        // Beneath the data folder: the folder docs and two links, a block each, and old.bin's 500 KiB.
        long stored = 3 * FileAccess.BLOCK + 500 * 1024;
        long quota = stored + 300 * 1024;
        HostFunctionDefinition write = new FileWriteProvider(new FileSystemSettings(256, 16 << 20, 16, quota))
                .functions().get(0);
        FakeHostCall call = call();
        assertEquals(0, write(write, call, "docs/new.bin", new byte[300 * 1024], 0), call.lastError());
        HostCallException e = limit(() -> write(write, call, "docs/more.bin", new byte[1], 0),
                "max_bytes_stored_per_plugin=" + quota, "plugin p's data folder", "'docs/more.bin'");
        assertTrue(e.getMessage().contains("delete files from it"), e.getMessage());
        assertTrue(Files.notExists(data.resolve("docs/more.bin")));
        assertDeniedOnce(call, AuditActions.FS_WRITE);

        FakeHostCall next = call();
        assertEquals(0, write(write, next, "docs/old.bin", new byte[100], 0), "a write that shrinks the folder passes");
        assertEquals(0, write(write, next, "docs/more.bin", new byte[100], 0), "and makes room");
        assertEquals(0, write(write, next, "docs/new.bin", new byte[300 * 1024], 0), "a rewrite of the same size");
    }

    @Test
    void writesOutsideTheDataFolderDoNotCountAgainstItsQuota() throws IOException {
        HostFunctionDefinition write = new FileWriteProvider(new FileSystemSettings(256, 16 << 20, 16, 0))
                .functions().get(0);
        FakeHostCall call = call();
        assertEquals(0, write(write, call, root.resolve("shared.bin").toString(), new byte[1000], 0), call.lastError());
        limit(() -> write(write, call, "docs/any.txt", new byte[1], 0), "max_bytes_stored_per_plugin=0");
    }
}
