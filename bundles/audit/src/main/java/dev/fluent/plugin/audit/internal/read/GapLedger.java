package dev.fluent.plugin.audit.internal.read;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification.Gap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gaps a walk along the chain meets: each {@link AuditActions#AUDIT_RECOVERY} entry, and each
 * {@link AuditActions#AUDIT_ACKNOWLEDGE} entry later in the chain that acknowledges one (by its sequence number
 * and hash, so that an acknowledgement never covers another entry that took the same number in a rewritten log).
 */
final class GapLedger {

    private record Recovery(long seq, String hash, String file, long line, Instant timestamp, String reason) {
    }

    private record Ack(String hash, String operator, Instant at) {
    }

    private final List<Recovery> recoveries = new ArrayList<>();
    private final Map<Long, Ack> acks = new HashMap<>();

    /** An entry of the log's own ({@code audit_*}) met on the walk, at {@code line} of its file. */
    void see(AuditRecord r, long line) {
        if (AuditActions.AUDIT_RECOVERY.equals(r.action())) {
            recoveries.add(new Recovery(r.seq(), r.hash(), r.file(), line, r.timestamp(),
                    r.error() == null ? "recovery on start" : r.error()));
        } else if (AuditActions.AUDIT_ACKNOWLEDGE.equals(r.action()) && r.success()) {
            try {
                long seq = Long.parseLong(r.details().getOrDefault("recovery_seq", ""));
                acks.putIfAbsent(seq, new Ack(r.details().get("recovery_hash"),
                        r.details().getOrDefault("operator", "?"), r.timestamp()));
            } catch (NumberFormatException e) {
                // Not one this platform wrote: it acknowledges nothing.
            }
        }
    }

    /** Every recovery met, oldest first, with its acknowledgement when there is one. */
    List<Gap> gaps() {
        List<Gap> gaps = new ArrayList<>(recoveries.size());
        for (Recovery r : recoveries) {
            Ack ack = acks.get(r.seq());
            boolean acknowledged = ack != null && r.hash().equals(ack.hash());
            gaps.add(new Gap(r.seq(), r.hash(), r.file(), r.line(), r.timestamp(), r.reason(),
                    acknowledged ? ack.operator() : null, acknowledged ? ack.at() : null));
        }
        return gaps;
    }
}
