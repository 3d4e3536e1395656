package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** What {@code fs_read} and {@code fs_write} share: the call quota, the hand-off to file threads, the refusals. */
final class FileCalls {

    /** Counter of the execution's {@code fs_read} and {@code fs_write} calls together. */
    static final String CALLS = "fs.calls";
    /** Counter of the bytes the execution's writes wrote. */
    static final String BYTES_WRITTEN = "fs.bytes_written";
    /** Counter of the files the execution's writes created. */
    static final String FILES_CREATED = "fs.files_created";

    private FileCalls() {
    }

    /** Counts one call of the execution; past {@code max_calls_per_execution} the execution fails, audited. */
    static void countCall(HostCall call, FileSystemSettings limits, String function, String named) {
        long calls = call.count(CALLS, 1);
        if (calls > limits.maxCallsPerExecution()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, function, named, function + " of '" + named + "' is file call "
                    + calls + " of this execution, more than max_calls_per_execution="
                    + limits.maxCallsPerExecution() + " allows (fs_read and fs_write together); make fewer calls per"
                    + " execution, or raise " + FileSystemSettings.where(FileSystemSettings.MAX_CALLS));
        }
    }

    /** Runs a file operation on the provider's file threads, waiting no longer than the execution has left. */
    static <T> T run(HostCall call, FileThreads threads, String function, String named,
            FileThreads.Operation<T> operation) throws Refusal {
        Duration left = call.remainingTime();
        if (left.isZero() || left.isNegative()) {
            throw new HostCallException(ErrorCode.TIMEOUT, function + ": the execution has no time left for '"
                    + named + "'");
        }
        try {
            return threads.run(operation, left, function + " of '" + named + "' by plugin " + call.pluginId());
        } catch (TimeoutException e) {
            throw new HostCallException(ErrorCode.TIMEOUT, function + ": '" + named + "' was not "
                    + (function.equals("fs_read") ? "read" : "written") + " within the " + left.toMillis()
                    + " ms the execution had left; something holds it, such as a FIFO put in its place while it"
                    + " was checked");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException(ErrorCode.TIMEOUT, function + " of '" + named
                    + "': interrupted at the execution's deadline");
        }
    }

    /** The answer to a refusal that means the same for reads and writes: a link, a special file, no support. */
    static HostCallException refused(HostCall call, String function, String named, Refusal refusal) {
        return switch (refusal.kind) {
            case LINK -> call.deny(ErrorCode.ACCESS_DENIED, function, named, !refusal.onTheWay
                    ? "'" + named + "' is a symbolic link; files are never read or written through links"
                    : "path '" + named + "' goes through a symbolic link ('" + refusal.name + "'); links are never"
                            + " followed beneath allowed_file_paths: name the file by a path without links");
            case SPECIAL -> call.deny(ErrorCode.ACCESS_DENIED, function, named, "'" + named + "' is " + refusal.type
                    + ", not a regular file; fs_read and fs_write open regular files only, never FIFOs, devices or"
                    + " sockets");
            case UNSUPPORTED -> new HostCallException(ErrorCode.CAPABILITY_UNAVAILABLE, function + ": this platform's"
                    + " file system offers no SecureDirectoryStream, without which files cannot be opened beneath"
                    + " allowed_file_paths without a race against symbolic links; file access is refused");
            default -> new HostCallException(ErrorCode.INTERNAL, function + " of '" + named + "': unexpected "
                    + refusal.kind);
        };
    }
}
