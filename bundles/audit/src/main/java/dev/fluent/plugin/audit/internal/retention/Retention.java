package dev.fluent.plugin.audit.internal.retention;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Anchor;
import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import dev.fluent.plugin.audit.internal.log.Tail;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the oldest log files to remove: rotated files whose newest entry is older than the retention age,
 * and, while all files together are larger than the retention size, the oldest rotated ones. Always a run of
 * files from the oldest on, never the file being written, and never past a file whose last line is not a
 * valid entry: the last entry removed anchors the chain that is left (its sequence number and hash), and an
 * invalid one could not.
 *
 * <p>The writer removes a {@link Plan} in this order, so that a crash at any point leaves a log that verifies:
 * it appends the plan's {@link AuditActions#AUDIT_RETENTION} entry and forces it to disk; writes
 * {@code audit.anchor} naming that entry; removes the files, oldest first. A removal a crash interrupted is
 * finished on the next start ({@link #finishInterrupted}).
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final LogDirectory dir;
    private final int days;
    private final long maxBytes;
    private final Clock clock;
    private final EntryCodec codec = new EntryCodec();

    /**
     * What one run removes.
     *
     * @param remove the files to remove, oldest first; empty when there is nothing to remove
     * @param firstKept the oldest file left, or {@code null} when nothing is removed
     * @param lastRemoved the last entry of the last file removed, or {@code null}
     * @param bytes the size of the files removed
     * @param reason why they go: the age, the size, or both
     * @param blocked why retention stopped before a file it would have removed, or {@code null}
     */
    public record Plan(List<LogFile> remove, LogFile firstKept, Tail.Last lastRemoved, long bytes, String reason,
            String blocked) {

        /** The entry that records the removal and anchors the chain's new start. */
        public AuditEvent entry(Instant now) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("files_removed", Integer.toString(remove.size()));
            details.put("files_removed_total", Integer.toString(firstKept.index() - 1));
            details.put("bytes_removed", Long.toString(bytes));
            details.put("first_kept_file", firstKept.name());
            details.put("anchor_seq", Long.toString(lastRemoved.link().seq()));
            details.put("anchor_hash", lastRemoved.link().hash());
            details.put("removed_until", lastRemoved.timestamp().toString());
            details.put("reason", reason);
            String first = remove.get(0).name();
            String last = remove.get(remove.size() - 1).name();
            return new AuditEvent(now, "", AuditActions.AUDIT_RETENTION, first.equals(last) ? first : first + " … " + last,
                    true, null, details);
        }

        /** The anchor to record once {@link #entry} is written as entry {@code recordedBy}. */
        public Anchor anchor(long recordedBy) {
            return new Anchor(firstKept.name(), lastRemoved.link().seq(), lastRemoved.link().hash(),
                    lastRemoved.timestamp(), recordedBy);
        }

        /** The failed entry that records why retention could not remove what it should have. */
        public AuditEvent blockedEntry(Instant now) {
            return new AuditEvent(now, "", AuditActions.AUDIT_RETENTION, null, false, "RETENTION_BLOCKED: " + blocked,
                    Map.of());
        }
    }

    /**
     * @param days remove rotated files whose newest entry is older than this; {@code 0}: no age limit
     * @param maxBytes remove the oldest rotated files while all are larger than this; {@code 0}: no size limit
     */
    public Retention(LogDirectory dir, int days, long maxBytes, Clock clock) {
        this.dir = dir;
        this.days = days;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public boolean enabled() {
        return days > 0 || maxBytes > 0;
    }

    /** @param activeIndex the number of the file being written, which is never removed */
    public Plan plan(int activeIndex) throws IOException {
        List<LogFile> files = dir.list();
        long total = 0;
        for (LogFile f : files) {
            total += Files.size(f.path());
        }
        Instant cutoff = days > 0 ? clock.instant().minus(Duration.ofDays(days)) : null;
        List<LogFile> remove = new ArrayList<>();
        Tail.Last last = null;
        long bytes = 0;
        boolean byAge = false;
        boolean bySize = false;
        String blocked = null;
        for (LogFile f : files) {
            boolean big = maxBytes > 0 && total - bytes > maxBytes;
            if (f.index() >= activeIndex || !big && cutoff == null) {
                break;
            }
            Tail.Last tail = Tail.lastEntry(f.path(), codec);
            if (tail == null) {
                blocked = f.name() + " does not end in a valid audit entry, so the chain could not be anchored after"
                        + " it; it and the files after it are kept. plugin:audit --verify shows what is wrong with it";
                break;
            }
            boolean old = cutoff != null && tail.timestamp().isBefore(cutoff);
            if (!old && !big) {
                break;
            }
            remove.add(f);
            last = tail;
            bytes += Files.size(f.path());
            byAge |= old;
            bySize |= big;
        }
        String reason = (byAge ? "older than " + days + " days" : "")
                + (byAge && bySize ? ", " : "")
                + (bySize ? "all files over " + maxBytes / (1024 * 1024) + " MiB" : "");
        LogFile firstKept = remove.isEmpty() ? null : files.get(remove.size());
        return new Plan(remove, firstKept, last, bytes, reason, blocked);
    }

    /** Removes the plan's files, oldest first; call once its entry is on disk and the anchor written. */
    public void remove(Plan plan) throws IOException {
        for (LogFile f : plan.remove()) {
            Files.deleteIfExists(f.path());
        }
        dir.syncDirectory();
        LOG.info("Audit retention removed {} file(s) ({} bytes, {}) up to {}; the log now starts at {}",
                plan.remove().size(), plan.bytes(), plan.reason(), plan.lastRemoved().timestamp(),
                plan.firstKept().name());
    }

    /**
     * Finishes a removal a crash interrupted: removes the files before the one {@code audit.anchor} names. An
     * anchor whose file is gone belongs to another log (the folder was emptied by hand) and is left alone.
     *
     * @return the number of files removed
     */
    public static int finishInterrupted(LogDirectory dir) throws IOException {
        Anchor anchor;
        try {
            anchor = dir.readAnchor();
        } catch (IOException e) {
            // The log must start all the same; verification reports the anchor if the log needs it.
            LOG.error("{}; no interrupted retention run is finished", e.getMessage());
            return 0;
        }
        if (anchor == null) {
            return 0;
        }
        int first = LogDirectory.indexOf(anchor.firstFile());
        if (first < 0 || !Files.exists(dir.file(first).path())) {
            LOG.warn("{} names {}, which is not in {}; it is ignored", LogDirectory.ANCHOR, anchor.firstFile(),
                    dir.path());
            return 0;
        }
        int removed = 0;
        for (LogFile f : dir.list()) {
            if (f.index() < first) {
                Files.deleteIfExists(f.path());
                removed++;
            }
        }
        if (removed > 0) {
            dir.syncDirectory();
            LOG.warn("Finished an audit retention run a stop interrupted: removed {} file(s) before {}", removed,
                    anchor.firstFile());
        }
        return removed;
    }
}
