package dev.fluent.plugin.api;

import java.util.Objects;

/**
 * The outcome of walking the audit chain.
 *
 * @param entriesChecked entries found intact before the first break (all of them when there is none)
 * @param filesChecked log files read
 * @param firstBreak the first break, or {@code null} when the chain is intact
 */
public record AuditVerification(long entriesChecked, int filesChecked, Break firstBreak) {

    /** The chain is intact: every entry hashes to its recorded hash and links to the one before. */
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
}
