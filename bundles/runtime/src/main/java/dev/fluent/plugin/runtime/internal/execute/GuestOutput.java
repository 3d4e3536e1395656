package dev.fluent.plugin.runtime.internal.execute;

import dev.fluent.plugin.api.SafeText;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A plugin's WASI stdout and stderr on their way to the container's log: escaped (no forged lines, no
 * terminal control), and capped per minute across all its executions, so that no plugin can flood the log
 * or rotate the operator's history away. Each {@code fd_write} is one record; records over the cap are
 * dropped and counted, the first drop of a minute is logged at once, and the count when the minute ends.
 */
public final class GuestOutput {

    /** Records a plugin may write to the log per minute. */
    public static final int RECORDS_PER_MINUTE = 600;
    /** Bytes a plugin may write to the log per minute. */
    public static final long BYTES_PER_MINUTE = 256 * 1024;

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final LongSupplier nanos;
    private long windowStart;
    private int records;
    private long bytes;
    private long droppedRecords;
    private long droppedBytes;

    public GuestOutput(Logger log) {
        this(log, System::nanoTime);
    }

    GuestOutput(Logger log, LongSupplier nanos) {
        this.log = log;
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong();
    }

    /**
     * Logs one record of the guest's output, unless the minute's cap is spent.
     *
     * @param fd 1 (stdout, logged at INFO) or 2 (stderr, at WARN)
     * @param raw what the guest wrote (at most one execution's budget of it)
     * @return whether it was logged; {@code false}: dropped and counted
     */
    public boolean write(String requestId, int fd, byte[] raw, int length) {
        String ended = null;
        boolean firstDrop = false;
        boolean admitted;
        synchronized (this) {
            long now = nanos.getAsLong();
            if (now - windowStart >= MINUTE_NANOS) {
                if (droppedRecords > 0) {
                    ended = droppedRecords + " output records (" + droppedBytes + " bytes) dropped in the last minute";
                }
                windowStart = now;
                records = 0;
                bytes = 0;
                droppedRecords = 0;
                droppedBytes = 0;
            }
            admitted = records < RECORDS_PER_MINUTE && bytes + length <= BYTES_PER_MINUTE;
            if (admitted) {
                records++;
                bytes += length;
            } else {
                firstDrop = droppedRecords == 0;
                droppedRecords++;
                droppedBytes += length;
            }
        }
        if (ended != null) {
            log.warn("{}: over the cap of {} records or {} bytes per minute", ended, RECORDS_PER_MINUTE,
                    BYTES_PER_MINUTE);
        }
        if (firstDrop) {
            log.warn("[{}] output over the cap of {} records or {} bytes per minute: dropped, and counted, until"
                    + " the minute ends", requestId, RECORDS_PER_MINUTE, BYTES_PER_MINUTE);
        }
        if (admitted) {
            // Escaped: a plugin cannot forge log lines (CR, LF) or drive a terminal that tails the log.
            String text = SafeText.escape(new String(raw, 0, length, StandardCharsets.UTF_8).stripTrailing());
            if (fd == 2) {
                log.warn("[{}] {}", requestId, text);
            } else {
                log.info("[{}] {}", requestId, text);
            }
        }
        return admitted;
    }
}
