package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * FileSystemRead: {@code fs_read(path)} returns a whole regular file beneath the plugin's
 * {@code allowed_file_paths} (see {@link PathGuard}), reached without following any link ({@link FileAccess}),
 * at most {@code max_file_size_mb}. A file larger than that fails the execution with {@code LIMIT_EXCEEDED};
 * a path outside the grant, through a link, or naming a FIFO, device or socket with {@code ACCESS_DENIED}; a
 * missing file returns {@code NOT_FOUND}. Each call counts against {@code max_calls_per_execution}, shared
 * with {@code fs_write}; both providers read configuration PID {@value FileSystemSettings#PID}.
 */
@Component(service = CapabilityProvider.class, configurationPid = FileSystemSettings.PID)
@Designate(ocd = FileSystemConfig.class, factory = false)
public final class FileReadProvider implements CapabilityProvider {

    private final FileThreads threads = new FileThreads("fluent-fs-read", FileThreads.MAX_THREADS);
    private volatile FileSystemSettings settings;

    @Activate
    public FileReadProvider(FileSystemConfig config) {
        this(FileSystemSettings.from(config));
    }

    FileReadProvider(FileSystemSettings settings) {
        this.settings = settings;
    }

    @Modified
    void modified(FileSystemConfig config) {
        settings = FileSystemSettings.from(config);
    }

    @Deactivate
    void deactivate() {
        threads.close();
    }

    @Override
    public Capability capability() {
        return Capability.FILE_SYSTEM_READ;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.FS_READ.define(this::read));
    }

    private long read(HostCall call, long[] args) {
        String named = PathGuard.readPath(call, "fs_read", args[0], args[1]);
        FileCalls.countCall(call, settings, AuditActions.FS_READ, named);
        PathGuard.Target target = PathGuard.check(call, AuditActions.FS_READ, named);
        long max = (long) call.grant().permissions().maxFileSizeMb() * 1024 * 1024;
        byte[] bytes;
        try {
            bytes = FileCalls.run(call, threads, AuditActions.FS_READ, named,
                    abandoned -> FileAccess.read(target.anchor(), target.names(), max));
        } catch (Refusal refusal) {
            return switch (refusal.kind) {
                case MISSING, MISSING_FOLDER, NOT_A_FOLDER -> HostCall.NOT_FOUND;
                case FOLDER -> call.failed("'" + named + "' is a folder, not a file");
                case TOO_LARGE -> throw tooLarge(call, named, refusal.number, max);
                case IO -> call.failed("cannot read '" + named + "': " + refusal.getMessage());
                case BUSY -> call.failed("cannot read '" + named + "' now: " + refusal.getMessage()
                        + " (see the container's log); try again later");
                default -> throw FileCalls.refused(call, AuditActions.FS_READ, named, refusal);
            };
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
