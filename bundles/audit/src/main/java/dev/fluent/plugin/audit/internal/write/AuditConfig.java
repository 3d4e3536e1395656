package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.AuditActions;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code dev.fluent.plugin.audit}; every key is optional. docs/audit.md describes them. */
@ObjectClassDefinition(name = "Fluent Plugin Platform: audit log",
        description = "Where and how the hash-chained audit log is written.")
public @interface AuditConfig {

    @AttributeDefinition(name = "Directory",
            description = "Folder of the log files; empty means ${karaf.data}/audit.")
    public String directory() default "";

    @AttributeDefinition(name = "Maximum file size (MiB)", min = "1",
            description = "A file is closed and the next one started before it would grow past this size.")
    public int maxFileSizeMb() default 16;

    @AttributeDefinition(name = "Flush interval (ms)", min = "1",
            description = "How often written entries are forced to disk (fsync). They are also forced on stop.")
    public int flushIntervalMs() default 100;

    @AttributeDefinition(name = "Queue capacity", min = "16",
            description = "Entries that may wait for the writer before backpressure applies.")
    public int queueCapacity() default 65536;

    @AttributeDefinition(name = "Backpressure",
            description = "What a full queue does to the caller: wait up to 'Block timeout' (block), or not at all (drop). "
                    + "An entry that still finds no room is dropped, counted, logged, and the loss recorded in the chain.",
            options = {@Option(label = "Block (bounded wait)", value = "block"), @Option(label = "Drop", value = "drop")})
    public String backpressure() default "block";

    @AttributeDefinition(name = "Block timeout (ms)", min = "0",
            description = "With backpressure 'block': the longest a caller waits for room in the queue.")
    public int blockTimeoutMs() default 1000;

    @AttributeDefinition(name = "Post to EventAdmin",
            description = "Post every entry on topic " + AuditActions.TOPIC_PREFIX
                    + "<ACTION> when EventAdmin is present.")
    public boolean eventAdmin() default true;

    @AttributeDefinition(name = "Volume cap (entries per plugin per minute)", min = "0",
            description = "Successful routine entries (executions, host-function uses) written per plugin per minute; "
                    + "past it they are counted into one audit_suppressed entry. Failures are always written, but "
                    + "one that repeats an earlier failure of the minute (same action, code and resource) is counted "
                    + "instead. Load, unload, reload, trust and the log's own entries are never held back. "
                    + "0 writes every entry.")
    public int volumeCapPerMinute() default AuditSettings.DEFAULT_VOLUME_CAP;

    @AttributeDefinition(name = "Retention (days)", min = "0",
            description = "Rotated files whose newest entry is older than this are removed (an audit_retention entry "
                    + "records it and anchors the chain). 0 keeps files whatever their age.")
    public int retentionDays() default AuditSettings.DEFAULT_RETENTION_DAYS;

    @AttributeDefinition(name = "Retention size (MiB)", min = "0",
            description = "The oldest rotated files are removed while all log files together are larger than this; "
                    + "never the file being written. 0 means no size limit; otherwise at least the maximum file size.")
    public int retentionMaxMb() default (int) (AuditSettings.DEFAULT_RETENTION_MAX_BYTES / AuditSettings.MIB);
}
