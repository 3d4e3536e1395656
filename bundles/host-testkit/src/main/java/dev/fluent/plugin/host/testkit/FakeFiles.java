package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * FileSystemRead and FileSystemWrite inside one folder of their own (a temporary one, which
 * {@link FakeProviders#close()} deletes): a path is checked against {@code allowed_file_paths} as written (after
 * {@code ..} is resolved), then served from {@code <folder>/data/<path>} for a relative path and
 * {@code <folder>/root/<path>} for an absolute one. No file outside the folder is ever opened, whatever the
 * manifest allows. {@link #reader()} and {@link #writer()} are the two providers.
 */
public final class FakeFiles {

    private final Path folder;
    private final FakeCallLog log;

    public FakeFiles(Path folder, FakeCallLog log) {
        this.folder = folder.toAbsolutePath().normalize();
        this.log = log;
    }

    public CapabilityProvider reader() {
        return provider(Capability.FILE_SYSTEM_READ, StandardHostFunction.FS_READ.define(this::read));
    }

    public CapabilityProvider writer() {
        return provider(Capability.FILE_SYSTEM_WRITE, StandardHostFunction.FS_WRITE.define(this::write));
    }

    /** Where a path the plugin names lives in the folder. */
    public Path location(String path) {
        Path p = Path.of(path).normalize();
        Path inside = p.isAbsolute()
                ? folder.resolve("root").resolve(p.getRoot().relativize(p).toString())
                : folder.resolve("data").resolve(p.toString());
        return inside.normalize();
    }

    private long read(HostCall call, long[] args) {
        Capability capability = Capability.FILE_SYSTEM_READ;
        String path = Arguments.text(call, args[0], args[1], AuditActions.FS_READ, "path");
        Path file = checked(call, capability, AuditActions.FS_READ, path);
        try {
            if (!Files.isRegularFile(file)) {
                log.add(capability, AuditActions.FS_READ, path, FakeCall.NOT_FOUND);
                return HostCall.NOT_FOUND;
            }
            long max = (long) call.grant().permissions().maxFileSizeMb() << 20;
            if (Files.size(file) > max) {
                throw log.refused(capability, AuditActions.FS_READ, path, call.deny(ErrorCode.LIMIT_EXCEEDED,
                        AuditActions.FS_READ, path, path + " is larger than max_file_size_mb"));
            }
            byte[] bytes = Files.readAllBytes(file);
            log.add(capability, AuditActions.FS_READ, path, FakeCall.ANSWERED);
            call.audit(AuditActions.FS_READ, path, Map.of("bytes", Long.toString(bytes.length)));
            return call.result(bytes);
        } catch (IOException e) {
            log.add(capability, AuditActions.FS_READ, path, "FAILED");
            return call.failed("fs_read " + path + ": " + e.getMessage());
        }
    }

    private long write(HostCall call, long[] args) {
        Capability capability = Capability.FILE_SYSTEM_WRITE;
        String path = Arguments.text(call, args[0], args[1], AuditActions.FS_WRITE, "path");
        byte[] data = call.read(args[2], args[3]);
        boolean append = (args[4] & 1) != 0;
        Path file = checked(call, capability, AuditActions.FS_WRITE, path);
        try {
            long existing = append && Files.isRegularFile(file) ? Files.size(file) : 0;
            long max = (long) call.grant().permissions().maxFileSizeMb() << 20;
            if (existing + data.length > max) {
                throw log.refused(capability, AuditActions.FS_WRITE, path, call.deny(ErrorCode.LIMIT_EXCEEDED,
                        AuditActions.FS_WRITE, path, path + " would be larger than max_file_size_mb"));
            }
            Files.createDirectories(file.getParent());
            Files.write(file, data, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            log.add(capability, AuditActions.FS_WRITE, path, FakeCall.ANSWERED);
            call.audit(AuditActions.FS_WRITE, path, Map.of("bytes", Integer.toString(data.length)));
            return 0;
        } catch (IOException e) {
            log.add(capability, AuditActions.FS_WRITE, path, "FAILED");
            return call.failed("fs_write " + path + ": " + e.getMessage());
        }
    }

    /** The path's place in the folder, if {@code allowed_file_paths} covers it; else the call is refused. */
    private Path checked(HostCall call, Capability capability, String function, String path) {
        Path p;
        try {
            p = Path.of(path).normalize();
        } catch (InvalidPathException e) {
            throw log.refused(capability, function, path, new HostCallException(ErrorCode.BAD_HOST_CALL,
                    function + ": '" + path + "' is not a path"));
        }
        Path inside = location(path);
        boolean escapes = path.isEmpty() || !p.isAbsolute() && p.startsWith("..") || !inside.startsWith(folder);
        if (escapes || !covered(call.grant().permissions().allowedFilePaths(), p)) {
            throw log.refused(capability, function, path, call.deny(ErrorCode.ACCESS_DENIED, function, path,
                    path + " is not inside allowed_file_paths"));
        }
        return inside;
    }

    private static boolean covered(List<String> entries, Path path) {
        for (String entry : entries) {
            try {
                Path allowed = Path.of(entry).normalize();
                if (allowed.isAbsolute() == path.isAbsolute() && path.startsWith(allowed)) {
                    return true;
                }
            } catch (InvalidPathException ignored) {
                // the manifest parser refuses such entries; one that slipped through allows nothing
            }
        }
        return false;
    }

    private static CapabilityProvider provider(Capability capability, HostFunctionDefinition function) {
        return new CapabilityProvider() {
            @Override
            public Capability capability() {
                return capability;
            }

            @Override
            public List<HostFunctionDefinition> functions() {
                return List.of(function);
            }

            @Override
            public String toString() {
                return "fake " + capability;
            }
        };
    }
}
