package dev.fluent.plugin.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of walking the audit chain.
 *
 * @param entriesChecked entries whose hash and link were found intact (the walk stops at the first broken
 *        link; a gap does not stop it)
 * @param filesChecked log files read
 * @param firstBreak the first break, or {@code null} when the chain is intact and every gap acknowledged: a
 *        broken link, or the first {@linkplain Gap gap} no operator acknowledged, whichever comes first
 * @param gaps every {@link AuditActions#AUDIT_RECOVERY} entry met, acknowledged or not, oldest first
 *        (since 1.2)
 * @param retention what retention removed before the first file read, or {@code null} when the log starts
 *        at its first file (since 1.2)
 */
public record AuditVerification(long entriesChecked, int filesChecked, Break firstBreak, List<Gap> gaps,
        Retention retention) {

    public AuditVerification {
        gaps = gaps == null ? List.of() : List.copyOf(gaps);
    }

    /** A walk that met no gap and no retention anchor. */
    public AuditVerification(long entriesChecked, int filesChecked, Break firstBreak) {
        this(entriesChecked, filesChecked, firstBreak, List.of(), null);
    }

    /** The chain is intact, and every gap it records was acknowledged. */
    public boolean ok() {
        return firstBreak == null;
    }

    public static AuditVerification intact(long entriesChecked, int filesChecked) {
        return new AuditVerification(entriesChecked, filesChecked, null);
    }

    /**
     * Where the chain breaks.
     *
     * @param file the log file's name
     * @param line the line number in that file, from 1 ({@code 0} when the break is not on a line)
     * @param seq the sequence number the line carries, or the one expected when it cannot be read
     * @param reason what is wrong, in one sentence
     */
    public record Break(String file, long line, long seq, String reason) {

        public Break {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return file + (line > 0 ? " line " + line : "") + " (seq " + seq + "): " + reason;
        }
    }

    /**
     * Entries the log lost, as an {@link AuditActions#AUDIT_RECOVERY} entry written on start records it (a
     * log cut short while the platform was stopped, a torn or invalid last line, an unreadable head).
     *
     * @param seq the recovery entry's sequence number
     * @param hash the recovery entry's hash
     * @param file the log file holding it
     * @param line its line number in that file
     * @param timestamp when recovery found it
     * @param reason the recovery entry's error: what was lost, where, and how much when known
     * @param acknowledgedBy the operator who acknowledged it, or {@code null}
     * @param acknowledgedAt when, or {@code null}
     * @since 1.2
     */
    public record Gap(long seq, String hash, String file, long line, Instant timestamp, String reason,
            String acknowledgedBy, Instant acknowledgedAt) {

        public Gap {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean acknowledged() {
            return acknowledgedBy != null;
        }
    }

    /**
     * The oldest files retention removed, and where the chain that is left starts.
     *
     * @param filesRemoved how many files were removed, all of them before the first one left
     * @param lastRemovedSeq the sequence number of the last entry removed; the first entry left follows it
     * @param removedUntil the timestamp of that entry
     * @param recordedBy the sequence number of the {@link AuditActions#AUDIT_RETENTION} entry recording it
     * @since 1.2
     */
    public record Retention(int filesRemoved, long lastRemovedSeq, Instant removedUntil, long recordedBy) {
    }
}
