package dev.fluent.plugin.audit.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.AuditVerification.Gap;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * An operator's acknowledgement of a gap: finds the {@code audit_recovery} entry by its sequence number or
 * hash among the gaps verification meets, and writes an {@code audit_acknowledge} entry naming the operator,
 * forced to disk before the call returns. Refusals (no such entry, acknowledged already) are written too,
 * failed, so that every attempt is in the log.
 */
final class Acknowledgements {

    /** How long an acknowledgement waits to be written and forced to disk. */
    static final long WRITE_TIMEOUT_MILLIS = 5_000;
    private static final Pattern SEQ = Pattern.compile("\\d{1,18}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** Where acknowledgements are written and read back. */
    interface Log {
        void record(AuditEvent event);

        boolean recordDurably(AuditEvent event, long millis);
    }

    private final Log log;
    private final Supplier<AuditVerification> verify;
    private final Function<AuditQuery, List<AuditRecord>> query;
    private final Clock clock;

    Acknowledgements(Log log, Supplier<AuditVerification> verify, Function<AuditQuery, List<AuditRecord>> query,
            Clock clock) {
        this.log = log;
        this.verify = verify;
        this.query = query;
        this.clock = clock;
    }

    AuditRecord acknowledge(String entry, String operator, String reason) throws PluginException {
        String who = operator == null || operator.isBlank() ? "unknown" : operator.strip();
        String ref = entry == null ? "" : entry.strip().toLowerCase(Locale.ROOT);
        if (!SEQ.matcher(ref).matches() && !HASH.matcher(ref).matches()) {
            throw refuse(ref, who, "'" + ref + "' is neither a sequence number nor a 64-digit hash: name the "
                    + AuditActions.AUDIT_RECOVERY + " entry by the seq plugin:audit --verify shows");
        }
        Gap gap = null;
        for (Gap g : verify.get().gaps()) {
            if (ref.equals(Long.toString(g.seq())) || ref.equals(g.hash())) {
                gap = g;
                break;
            }
        }
        if (gap == null) {
            throw refuse(ref, who, "no " + AuditActions.AUDIT_RECOVERY + " entry with " + (ref.length() == 64 ? "hash "
                    : "seq ") + ref + " in the part of the chain that verifies: plugin:audit --verify lists the gaps"
                    + " to acknowledge, plugin:audit --action " + AuditActions.AUDIT_RECOVERY + " the entries");
        }
        if (gap.acknowledged()) {
            throw refuse(ref, who, "the gap at seq " + gap.seq() + " was acknowledged already, by " + gap.acknowledgedBy()
                    + " at " + gap.acknowledgedAt() + "; nothing to do");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recovery_seq", Long.toString(gap.seq()));
        details.put("recovery_hash", gap.hash());
        details.put("recovery_error", gap.reason());
        details.put("operator", who);
        if (reason != null && !reason.isBlank()) {
            details.put("reason", reason.strip());
        }
        AuditEvent ack = new AuditEvent(clock.instant(), "", AuditActions.AUDIT_ACKNOWLEDGE, "seq " + gap.seq(), true,
                null, details);
        if (!log.recordDurably(ack, WRITE_TIMEOUT_MILLIS)) {
            throw new PluginException(ErrorCode.INTERNAL, null, "the audit log did not confirm the acknowledgement of "
                    + "seq " + gap.seq() + " within " + WRITE_TIMEOUT_MILLIS + " ms; plugin:audit --verify shows "
                    + "whether it was written, plugin:audit --status how the writer is doing");
        }
        String seq = Long.toString(gap.seq());
        for (AuditRecord r : query.apply(AuditQuery.builder().action(AuditActions.AUDIT_ACKNOWLEDGE).limit(50).build())) {
            if (r.success() && seq.equals(r.details().get("recovery_seq")) && who.equals(r.details().get("operator"))) {
                return r;
            }
        }
        throw new PluginException(ErrorCode.INTERNAL, null, "the acknowledgement of seq " + seq + " was written but "
                + "cannot be read back; plugin:audit --verify shows whether it counts");
    }

    /** Writes the refusal, failed, and returns the exception that reports it. */
    private PluginException refuse(String ref, String who, String message) {
        PluginException e = new PluginException(ErrorCode.BAD_REQUEST, null, message);
        log.record(new AuditEvent(clock.instant(), "", AuditActions.AUDIT_ACKNOWLEDGE, ref.isEmpty() ? null : ref,
                false, e.toString(), Map.of("operator", who)));
        return e;
    }
}
