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

    /**
     * Walks the whole chain, every file from the oldest (or from the start retention anchored), and reports
     * the first break. Entries the log lost and recovered from on start ({@link AuditActions#AUDIT_RECOVERY})
     * are breaks too until an operator {@linkplain #acknowledge acknowledges} them.
     */
    AuditVerification verify();

    /** The writer's figures: where it writes, how far behind it is, what it had to hold back or drop. */
    AuditStatus status();

    /**
     * Acknowledges the gap an {@link AuditActions#AUDIT_RECOVERY} entry reports, once an operator has
     * reviewed it: writes an {@link AuditActions#AUDIT_ACKNOWLEDGE} entry naming the operator, after which
     * {@link #verify()} lists the gap as acknowledged instead of failing on it. A refused acknowledgement is
     * written too, failed.
     *
     * @param entry the recovery entry's sequence number (decimal) or its hash (64 hex digits)
     * @param operator who acknowledges, as the shell knows them
     * @param reason why the gap is accepted, or {@code null}
     * @return the acknowledgement entry as written
     * @throws PluginException {@link ErrorCode#BAD_REQUEST} when {@code entry} names no recovery entry of the
     *         chain or one acknowledged already; {@link ErrorCode#INTERNAL} when the log could not write it
     * @since 1.2
     */
    AuditRecord acknowledge(String entry, String operator, String reason) throws PluginException;
}
