package dev.fluent.plugin.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable audit log: every plugin action, chained by SHA-256 so that an edited, removed or
 * reordered entry shows. The shell's {@code plugin:audit} is a thin front end to it.
 */
@ProviderType
public interface AuditLog {

    /**
     * The entries that match, newest first, at most {@link AuditQuery#limit()} of them. Entries recorded
     * before the call are included: the query waits (briefly) for the writer to reach them.
     */
    List<AuditRecord> query(AuditQuery query);

    /** Walks the whole chain, every file from the oldest, and reports the first break. */
    AuditVerification verify();

    /** The writer's figures: where it writes, how far behind it is, what it had to hold back or drop. */
    AuditStatus status();
}
