package dev.fluent.plugin.host.filesystem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProvidersTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path root;
    private Path outside;
    private final HostFunctionDefinition read = new FileReadProvider(FileSystemSettings.DEFAULTS).functions().get(0);
    private final HostFunctionDefinition write = new FileWriteProvider(FileSystemSettings.DEFAULTS).functions().get(0);

    @BeforeEach
    void files() throws IOException {
        data = Files.createDirectories(tmp.resolve("data/plugin"));
        root = Files.createDirectories(tmp.resolve("shared"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(data.resolve("docs"));
        Files.writeString(data.resolve("docs/a.txt"), "alpha");
        Files.writeString(root.resolve("r.txt"), "root file");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(data.resolve("docs/escape"), outside);
        Files.createSymbolicLink(data.resolve("docs/secret-link.txt"), outside.resolve("secret.txt"));
        Files.write(data.resolve("docs/big.bin"), new byte[1024 * 1024 + 1]);
    }

    private FakeHostCall call(Capability... capabilities) {
        Permissions permissions = new Permissions(64, 30_000, 0, List.of(),
                List.of("docs", root.resolve("r.txt").toString(), outside.toString()), 1, 60);
        Grant grant = new Grant("p", Set.of(capabilities), permissions, List.of(root), data, false, false);
        return new FakeHostCall(grant, 4 * 1024 * 1024);
    }

    private long read(FakeHostCall call, String path) {
        long[] p = call.string(path);
        return call.call(read, p[0], p[1]);
    }

    private long write(FakeHostCall call, String path, String content, int flags) {
        long[] p = call.string(path);
        long[] d = call.string(content);
        return call.call(write, p[0], p[1], d[0], d[1], flags);
    }

    private HostCallException denied(ErrorCode code, Runnable action) {
        HostCallException e = assertThrows(HostCallException.class, action::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void readsInsideTheGrant() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        assertEquals("alpha", call.resultString(read(call, "docs/a.txt")));
        assertEquals("alpha", call.resultString(read(call, data.resolve("docs/./a.txt").toString())));
        assertEquals("root file", call.resultString(read(call, root.resolve("r.txt").toString())));
        assertEquals("fs_read", call.audited().get(0).action());
        assertEquals("docs/a.txt", call.audited().get(0).resource());
    }

    @Test
    void aMissingFileInsideTheGrantIsNotFound() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        assertEquals(HostCall.NOT_FOUND, read(call, "docs/none.txt"));
    }

    @Test
    void refusesDotDot() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        HostCallException e = denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/../../../outside/secret.txt"));
        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
        assertEquals(1, call.denials().size());
    }

    @Test
    void refusesAbsolutePathsOutsideTheRoots() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, "/etc/passwd"));
        // allowed by the manifest but outside every root the operator allows
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, outside.resolve("secret.txt").toString()));
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, root.resolve("other.txt").toString()));
    }

    @Test
    void refusesSymlinksThatLeadOutside() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        HostCallException e = denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/secret-link.txt"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/escape/secret.txt"));
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/escape/missing.txt"));
    }

    @Test
    void refusesFilesOverTheLimit() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        HostCallException e = denied(ErrorCode.LIMIT_EXCEEDED, () -> read(call, "docs/big.bin"));
        assertTrue(e.getMessage().contains("max_file_size_mb=1"), e.getMessage());
    }

    @Test
    void refusesBadPathArguments() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        denied(ErrorCode.BAD_HOST_CALL, () -> call.call(read, 4 * 1024 * 1024 - 2, 100));
        denied(ErrorCode.BAD_HOST_CALL, () -> call.call(read, 16, 0x8000_0000L));
        denied(ErrorCode.BAD_HOST_CALL, () -> read(call, "docs/a\0.txt"));
    }

    @Test
    void writesAndAppendsInsideTheGrant() throws IOException {
        FakeHostCall call = call(Capability.FILE_SYSTEM_WRITE);
        assertEquals(0, write(call, "docs/out.txt", "one", 0));
        assertEquals(0, write(call, "docs/out.txt", "+two", FileWriteProvider.APPEND));
        assertEquals("one+two", Files.readString(data.resolve("docs/out.txt"), StandardCharsets.UTF_8));
        assertEquals(0, write(call, "docs/out.txt", "new", 0));
        assertEquals("new", Files.readString(data.resolve("docs/out.txt")));
    }

    @Test
    void refusesWritesThroughLinksOrOutside() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_WRITE);
        denied(ErrorCode.ACCESS_DENIED, () -> write(call, "docs/secret-link.txt", "x", 0));
        denied(ErrorCode.ACCESS_DENIED, () -> write(call, "docs/escape/new.txt", "x", 0));
        denied(ErrorCode.ACCESS_DENIED, () -> write(call, "elsewhere.txt", "x", 0));
        denied(ErrorCode.ACCESS_DENIED, () -> write(call, "docs/../x.txt", "x", 0));
        assertTrue(Files.notExists(outside.resolve("new.txt")));
    }

    @Test
    void refusesWritesOverTheLimit() throws IOException {
        FakeHostCall call = call(Capability.FILE_SYSTEM_WRITE);
        String half = "x".repeat(600 * 1024);
        write(call, "docs/grow.txt", half, 0);
        denied(ErrorCode.LIMIT_EXCEEDED, () -> write(call, "docs/grow.txt", half, FileWriteProvider.APPEND));
        assertEquals(600 * 1024, Files.size(data.resolve("docs/grow.txt")));
        denied(ErrorCode.LIMIT_EXCEEDED, () -> call.call(write, call.string("docs/x")[0], 6, 0, 0x8000_0000L, 0));
    }

    @Test
    void aMissingFolderFailsTheWriteWithAMessage() {
        FakeHostCall call = call(Capability.FILE_SYSTEM_WRITE);
        assertEquals(HostCall.FAILED, write(call, "docs/no/such/file.txt", "x", 0));
        assertTrue(call.lastError().contains("does not exist"), call.lastError());
    }

    @Test
    void refusesLinksEvenWhenTheyLeadInside() throws IOException {
        Files.createDirectories(data.resolve("docs/sub"));
        Files.writeString(data.resolve("docs/sub/b.txt"), "beta");
        Files.createSymbolicLink(data.resolve("docs/inner"), data.resolve("docs/sub"));
        Files.createSymbolicLink(data.resolve("docs/inner.txt"), data.resolve("docs/a.txt"));
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ, Capability.FILE_SYSTEM_WRITE);
        assertEquals("beta", call.resultString(read(call, "docs/sub/b.txt")));
        HostCallException e = denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/inner/b.txt"));
        assertTrue(e.getMessage().contains("goes through a symbolic link ('inner')"), e.getMessage());
        e = denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/inner.txt"));
        assertTrue(e.getMessage().contains("'docs/inner.txt' is a symbolic link"), e.getMessage());
        denied(ErrorCode.ACCESS_DENIED, () -> write(call, "docs/inner/c.txt", "x", 0));
        assertTrue(Files.notExists(data.resolve("docs/sub/c.txt")));
    }

    @Test
    void refusesAnAllowedEntryThatIsItselfALink() throws IOException {
        Path real = Files.createDirectories(data.resolve("real-docs"));
        Files.writeString(real.resolve("c.txt"), "gamma");
        Files.move(data.resolve("docs"), data.resolve("docs.old"));
        Files.createSymbolicLink(data.resolve("docs"), real);
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ);
        HostCallException e = denied(ErrorCode.ACCESS_DENIED, () -> read(call, "docs/c.txt"));
        assertTrue(e.getMessage().contains("symbolic link ('docs')"), e.getMessage());
    }

    @Test
    void aPathThroughAFileOrToAFolderIsNoFile() throws IOException {
        FakeHostCall call = call(Capability.FILE_SYSTEM_READ, Capability.FILE_SYSTEM_WRITE);
        assertEquals(HostCall.NOT_FOUND, read(call, "docs/a.txt/b.txt"));
        assertEquals(HostCall.FAILED, read(call, "docs"));
        assertTrue(call.lastError().contains("'docs' is a folder"), call.lastError());
        assertEquals(HostCall.FAILED, write(call, "docs/a.txt/b.txt", "x", 0));
        assertTrue(call.lastError().contains("'a.txt' is not a folder"), call.lastError());
        assertEquals(HostCall.FAILED, write(call, "docs", "x", 0));
        assertTrue(call.lastError().contains("it is a folder"), call.lastError());
        assertEquals("alpha", Files.readString(data.resolve("docs/a.txt")));
    }

    @Test
    void aManifestEntryThatClimbsOutOfTheDataFolderAllowsNothing() throws IOException {
        Permissions permissions = new Permissions(64, 30_000, 0, List.of(), List.of("docs/../../../outside"), 1, 60);
        Grant grant = new Grant("p", Set.of(Capability.FILE_SYSTEM_READ), permissions, List.of(), data, false, false);
        FakeHostCall call = new FakeHostCall(grant, 1024 * 1024);
        denied(ErrorCode.ACCESS_DENIED, () -> read(call, outside.resolve("secret.txt").toString()));
    }
}
