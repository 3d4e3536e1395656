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
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * FileSystemWrite: {@code fs_write(path, data, flags)} writes a whole regular file (or appends, flags bit 0)
 * beneath the plugin's {@code allowed_file_paths}, reached without following any link ({@link FileAccess});
 * the file's folder must exist, except the plugin's data folder, which is created on first use. The file may
 * not become larger than {@code max_file_size_mb} ({@code LIMIT_EXCEEDED}); a link, a FIFO, a device or a
 * socket is never written ({@code ACCESS_DENIED}).
 *
 * <p>Quotas ({@link FileSystemSettings}, PID {@value FileSystemSettings#PID}), each checked before a byte is
 * written and past which the execution fails with {@code LIMIT_EXCEEDED}, audited: the calls of one execution
 * (shared with {@code fs_read}), the bytes it writes, the files it creates, and the bytes the plugin's data
 * folder holds.
 */
@Component(service = CapabilityProvider.class, configurationPid = FileSystemSettings.PID)
public final class FileWriteProvider implements CapabilityProvider {

    static final int APPEND = 1;

    private final FileThreads threads = new FileThreads("fluent-fs-write", FileThreads.MAX_THREADS);
    private volatile FileSystemSettings settings;

    @Activate
    public FileWriteProvider(FileSystemConfig config) {
        this(FileSystemSettings.from(config));
    }

    FileWriteProvider(FileSystemSettings settings) {
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
        return Capability.FILE_SYSTEM_WRITE;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.FS_WRITE.define(this::write));
    }

    private long write(HostCall call, long[] args) {
        FileSystemSettings limits = settings;
        String named = PathGuard.readPath(call, "fs_write", args[0], args[1]);
        int flags = (int) args[4];
        if ((flags & ~APPEND) != 0) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "fs_write: unknown flags 0x"
                    + Integer.toHexString(flags) + " (bit 0 appends; no other bit is defined)");
        }
        FileCalls.countCall(call, limits, AuditActions.FS_WRITE, named);
        long length = args[3] & 0xFFFF_FFFFL;
        long max = (long) call.grant().permissions().maxFileSizeMb() * 1024 * 1024;
        if (length > max) {
            throw tooLarge(call, named, length, max);
        }
        long written = call.count(FileCalls.BYTES_WRITTEN, 0);
        if (written + length > limits.maxBytesWrittenPerExecution()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.FS_WRITE, named, "writing " + length
                    + " bytes to '" + named + "' would bring this execution's writes to " + (written + length)
                    + " bytes, above max_bytes_written_per_execution=" + limits.maxBytesWrittenPerExecution()
                    + "; write less per execution, or raise "
                    + FileSystemSettings.where(FileSystemSettings.MAX_BYTES_WRITTEN));
        }
        call.check(args[2], length);
        createDataFolder(call);
        PathGuard.Target target = PathGuard.check(call, AuditActions.FS_WRITE, named);
        boolean append = (flags & APPEND) != 0;
        byte[] data = call.read(args[2], length);
        long created = call.count(FileCalls.FILES_CREATED, 0);
        boolean mayCreate = created < limits.maxFilesCreatedPerExecution();
        FileAccess.Quota quota = target.inDataFolder()
                ? new FileAccess.Quota(call.grant().dataFolder().toAbsolutePath().normalize(),
                        limits.maxBytesStoredPerPlugin())
                : null;
        FileAccess.Written result;
        try {
            result = FileCalls.run(call, threads, AuditActions.FS_WRITE, named, abandoned -> FileAccess.write(
                    target.anchor(), target.names(), data, append, max, mayCreate, quota, abandoned));
        } catch (Refusal refusal) {
            return switch (refusal.kind) {
                case MISSING_FOLDER -> call.failed("cannot write '" + named + "': the folder of '" + named
                        + "' does not exist" + (refusal.name.isEmpty() ? "" : " ('" + refusal.name + "' is missing)")
                        + "; only the plugin's data folder is created by the platform");
                case NOT_A_FOLDER -> call.failed("cannot write '" + named + "': the folder of '" + named
                        + "' does not exist ('" + refusal.name + "' is not a folder)");
                case MISSING -> call.failed("cannot write '" + named + "': it was removed while it was opened");
                case FOLDER -> call.failed("cannot write '" + named + "': it is a folder");
                case IO -> call.failed("cannot write '" + named + "': " + refusal.getMessage());
                case BUSY -> call.failed("cannot write '" + named + "' now: " + refusal.getMessage()
                        + " (see the container's log); try again later");
                case TOO_LARGE -> throw tooLarge(call, named, refusal.number, max);
                case CREATE -> throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.FS_WRITE, named, "creating '"
                        + named + "' would make " + (created + 1) + " files this execution created, above"
                        + " max_files_created_per_execution=" + limits.maxFilesCreatedPerExecution()
                        + "; create fewer files per execution, or raise "
                        + FileSystemSettings.where(FileSystemSettings.MAX_FILES_CREATED));
                case STORED -> throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.FS_WRITE, named, "writing '"
                        + named + "' would bring plugin " + call.pluginId() + "'s data folder to at least "
                        + refusal.number + " bytes, above max_bytes_stored_per_plugin="
                        + limits.maxBytesStoredPerPlugin() + " (each file or folder counts at least "
                        + FileAccess.BLOCK + " bytes); delete files from it, or raise "
                        + FileSystemSettings.where(FileSystemSettings.MAX_BYTES_STORED));
                default -> throw FileCalls.refused(call, AuditActions.FS_WRITE, named, refusal);
            };
        }
        call.count(FileCalls.BYTES_WRITTEN, length);
        if (result.created()) {
            call.count(FileCalls.FILES_CREATED, 1);
        }
        call.audit(AuditActions.FS_WRITE, named, Map.of("bytes", Long.toString(length), "append",
                Boolean.toString(append), "created", Boolean.toString(result.created())));
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
