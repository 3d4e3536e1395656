package dev.fluent.plugin.api;

import java.time.Instant;

/**
 * The audit writer's figures.
 *
 * @param directory where the log files live
 * @param activeFile the file being appended to
 * @param lastSeq the sequence number of the last entry written
 * @param queued entries accepted but not yet written
 * @param queueCapacity how many entries may wait before backpressure applies
 * @param written entries written since the writer started
 * @param waited record calls that had to wait for room in the queue
 * @param dropped entries lost because the queue stayed full (each loss is itself recorded in the log)
 * @param backpressure what a full queue does: {@code block} (bounded wait) or {@code drop}
 * @param lastSync when the log was last forced to disk, or {@code null} before the first time
 */
public record AuditStatus(
        String directory,
        String activeFile,
        long lastSeq,
        int queued,
        int queueCapacity,
        long written,
        long waited,
        long dropped,
        String backpressure,
        Instant lastSync) {
}
