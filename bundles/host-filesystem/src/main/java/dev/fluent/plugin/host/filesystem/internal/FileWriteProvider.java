package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * FileSystemWrite: {@code fs_write(path, data, flags)} writes a whole file (or appends, flags bit 0) inside
 * the plugin's {@code allowed_file_paths}; the file's folder must exist, except the plugin's data folder,
 * which is created on first use. The file may not become larger than {@code max_file_size_mb}
 * ({@code LIMIT_EXCEEDED}); a symbolic link is never written through ({@code ACCESS_DENIED}).
 */
@Component(service = CapabilityProvider.class)
public final class FileWriteProvider implements CapabilityProvider {

    static final int APPEND = 1;

    @Override
    public Capability capability() {
        return Capability.FILE_SYSTEM_WRITE;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.FS_WRITE.define(FileWriteProvider::write));
    }

    private static long write(HostCall call, long[] args) {
        String named = PathGuard.readPath(call, "fs_write", args[0], args[1]);
        int flags = (int) args[4];
        if ((flags & ~APPEND) != 0) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "fs_write: unknown flags 0x"
                    + Integer.toHexString(flags) + " (bit 0 appends; no other bit is defined)");
        }
        long length = args[3] & 0xFFFF_FFFFL;
        long max = (long) call.grant().permissions().maxFileSizeMb() * 1024 * 1024;
        if (length > max) {
            throw tooLarge(call, named, length, max);
        }
        call.check(args[2], length);
        createDataFolder(call);
        PathGuard.Checked path;
        try {
            path = PathGuard.check(call, AuditActions.FS_WRITE, named, true);
        } catch (PathGuard.Missing e) {
            return call.failed("cannot write '" + named + "': " + e.getMessage());
        }
        if (Files.isSymbolicLink(path.real())) {
            throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.FS_WRITE, named, "'" + named
                    + "' is a symbolic link; files are never written through links");
        }
        boolean append = (flags & APPEND) != 0;
        byte[] data = call.read(args[2], length);
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel channel = Files.newByteChannel(path.real(), options)) {
            if (append && channel.size() + length > max) {
                throw tooLarge(call, named, channel.size() + length, max);
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(path.real())) {
                throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.FS_WRITE, named, "'" + named
                        + "' is a symbolic link; files are never written through links");
            }
            return call.failed("cannot write '" + named + "': " + e.getClass().getSimpleName() + " " + e.getReason());
        } catch (IOException e) {
            return call.failed("cannot write '" + named + "': " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        call.audit(AuditActions.FS_WRITE, named, Map.of("bytes", Long.toString(length), "append", Boolean.toString(append)));
        return 0;
    }

    /** The data folder is the operator's, named by the policy: created on first write, never by a plugin's path. */
    private static void createDataFolder(HostCall call) {
        try {
            Files.createDirectories(call.grant().dataFolder());
        } catch (IOException e) {
            // Reported by the write itself, if it needed the folder.
        }
    }

    private static RuntimeException tooLarge(HostCall call, String named, long size, long max) {
        return call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.FS_WRITE, named, "writing '" + named + "' would make it "
                + size + " bytes, above max_file_size_mb=" + call.grant().permissions().maxFileSizeMb()
                + " (" + max + " bytes)");
    }
}
