package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** What {@code fs_read} and {@code fs_write} share: the hand-off to file threads, the refusals. */
final class FileCalls {

    private FileCalls() {
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
