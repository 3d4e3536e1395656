package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * FileSystemRead: {@code fs_read(path)} returns a whole file inside the plugin's {@code allowed_file_paths}
 * (see {@link PathGuard}), at most {@code max_file_size_mb}. A file larger than that fails the execution
 * with {@code LIMIT_EXCEEDED}; a path outside the grant with {@code ACCESS_DENIED}; a missing file returns
 * {@code NOT_FOUND}.
 */
@Component(service = CapabilityProvider.class)
public final class FileReadProvider implements CapabilityProvider {

    @Override
    public Capability capability() {
        return Capability.FILE_SYSTEM_READ;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.FS_READ.define(FileReadProvider::read));
    }

    private static long read(HostCall call, long[] args) {
        String named = PathGuard.readPath(call, "fs_read", args[0], args[1]);
        PathGuard.Checked path;
        try {
            path = PathGuard.check(call, AuditActions.FS_READ, named, false);
        } catch (PathGuard.Missing e) {
            return HostCall.NOT_FOUND;
        }
        long max = (long) call.grant().permissions().maxFileSizeMb() * 1024 * 1024;
        if (Files.isDirectory(path.real(), LinkOption.NOFOLLOW_LINKS)) {
            return call.failed("'" + named + "' is a folder, not a file");
        }
        byte[] bytes;
        try (SeekableByteChannel channel = Files.newByteChannel(path.real(), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size > max) {
                throw tooLarge(call, named, size, max);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, max) + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // Reads until the end, or one byte past the limit if the file grew meanwhile.
            }
            if (buffer.position() > max) {
                throw tooLarge(call, named, buffer.position(), max);
            }
            bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
        } catch (IOException e) {
            return call.failed("cannot read '" + named + "': " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        call.audit(AuditActions.FS_READ, named, Map.of("bytes", Integer.toString(bytes.length)));
        return bytes.length == 0 ? 0 : call.result(bytes);
    }

    private static RuntimeException tooLarge(HostCall call, String named, long size, long max) {
        return call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.FS_READ, named, "file '" + named + "' is " + size
                + " bytes, above max_file_size_mb=" + call.grant().permissions().maxFileSizeMb()
                + " (" + max + " bytes)");
    }
}
