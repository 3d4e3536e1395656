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

    private record Ack(String operator, Instant at) {
    }

    private final List<Recovery> recoveries = new ArrayList<>();
    /** By recovery seq and hash: an acknowledgement naming another hash must not shadow a right one. */
    private final Map<String, Ack> acks = new HashMap<>();

    /** An entry of the log's own ({@code audit_*}) met on the walk, at {@code line} of its file. */
    void see(AuditRecord r, long line) {
        if (AuditActions.AUDIT_RECOVERY.equals(r.action())) {
            recoveries.add(new Recovery(r.seq(), r.hash(), r.file(), line, r.timestamp(),
                    r.error() == null ? "recovery on start" : r.error()));
        } else if (AuditActions.AUDIT_ACKNOWLEDGE.equals(r.action()) && r.success()) {
            acks.putIfAbsent(key(r.details().get("recovery_seq"), r.details().get("recovery_hash")),
                    new Ack(r.details().getOrDefault("operator", "?"), r.timestamp()));
        }
    }

    /** Every recovery met, oldest first, with its acknowledgement when there is one. */
    List<Gap> gaps() {
        List<Gap> gaps = new ArrayList<>(recoveries.size());
        for (Recovery r : recoveries) {
            Ack ack = acks.get(key(Long.toString(r.seq()), r.hash()));
            gaps.add(new Gap(r.seq(), r.hash(), r.file(), r.line(), r.timestamp(), r.reason(),
                    ack == null ? null : ack.operator(), ack == null ? null : ack.at()));
        }
        return gaps;
    }

    private static String key(String seq, String hash) {
        return seq + ' ' + hash;
    }
}
