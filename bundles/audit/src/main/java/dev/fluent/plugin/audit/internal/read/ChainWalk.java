package dev.fluent.plugin.audit.internal.read;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditVerification.Break;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Anchor;
import dev.fluent.plugin.audit.internal.log.LogDirectory.Head;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The state of a walk along the chain, line by line: the last entry checked, the first broken link, the gaps
 * met ({@link GapLedger}), and, for a log whose oldest files retention removed, whether the
 * {@code audit_retention} entry that {@code audit.anchor} names was found and records that start.
 */
final class ChainWalk {

    /** What every line of the log's own entries holds; other lines are not parsed. */
    private static final byte[] OWN_ENTRY = "\"action\":\"audit_".getBytes(StandardCharsets.UTF_8);

    private final EntryCodec codec = new EntryCodec();
    final GapLedger gaps = new GapLedger();
    long seq;
    String hash = EntryCodec.GENESIS;
    long checked;
    int fileIndex;
    String lastFile;
    Break firstBreak;
    Anchor anchor;
    boolean anchorConfirmed;

    /** The chain continues from the last entry retention removed. */
    void startAt(Anchor a) {
        anchor = a;
        seq = a.seq();
        hash = a.hash();
    }

    boolean line(String file, byte[] buf, int off, int len, long number, boolean terminated, Head head) {
        lastFile = file;
        long expected = seq + 1;
        if (!terminated) {
            return fail(file, number, expected, "torn line: " + len
                    + " bytes without a newline at the end of the file (a write cut short, or a truncated file)");
        }
        EntryCodec.Link link = codec.link(buf, off, len);
        if (link == null) {
            return fail(file, number, expected, len == 0 ? "empty line" : "not an audit entry");
        }
        if (!link.hashMatches()) {
            return fail(file, number, link.seq(), "the hash does not match the entry's content (the line was edited)");
        }
        if (link.seq() != expected) {
            String why = link.seq() == expected + 1 ? "entry " + expected + " is missing (a deleted line)"
                    : link.seq() > expected ? "entries " + expected + "–" + (link.seq() - 1) + " are missing (deleted lines)"
                    : "out of order (lines moved or repeated)";
            return fail(file, number, link.seq(), "expected seq " + expected + ", found " + link.seq() + ": " + why);
        }
        if (!link.prevHash().equals(hash)) {
            String what = anchor != null && seq == anchor.seq() && checked == 0
                    ? "the hash " + LogDirectory.ANCHOR + " records for entry " + seq + ", the last one retention removed"
                    : "the hash of entry " + seq;
            return fail(file, number, link.seq(), "prev_hash does not match " + what + " (an earlier entry was replaced)");
        }
        if (head != null && link.seq() == head.seq() && !link.hash().equals(head.hash())) {
            return fail(file, number, link.seq(), "the hash differs from the one " + LogDirectory.HEAD
                    + " records for this entry (the log was rewritten from here)");
        }
        seq = link.seq();
        hash = link.hash();
        checked++;
        AuditRecord own = contains(buf, off, len, OWN_ENTRY) ? parse(buf, off, len, file) : null;
        if (own != null) {
            gaps.see(own, number);
        }
        if (anchor != null && seq == anchor.recordedBy()) {
            if (!confirms(own)) {
                return fail(file, number, seq, LogDirectory.ANCHOR + " names this entry as the "
                        + AuditActions.AUDIT_RETENTION + " entry that removed the files before " + anchor.firstFile()
                        + ", but it records no such removal");
            }
            anchorConfirmed = true;
        }
        return true;
    }

    /** Whether an entry is the retention entry that records the anchor's start. */
    private boolean confirms(AuditRecord r) {
        return r != null && AuditActions.AUDIT_RETENTION.equals(r.action()) && r.success()
                && anchor.firstFile().equals(r.details().get("first_kept_file"))
                && Long.toString(anchor.seq()).equals(r.details().get("anchor_seq"))
                && anchor.hash().equals(r.details().get("anchor_hash"));
    }

    private static AuditRecord parse(byte[] buf, int off, int len, String file) {
        try {
            return EntryCodec.parse(buf, off, len, file);
        } catch (IOException e) {
            return null;
        }
    }

    private boolean fail(String file, long line, long at, String reason) {
        firstBreak = new Break(file, line, at, reason);
        return false;
    }

    private static boolean contains(byte[] buf, int off, int len, byte[] needle) {
        outer:
        for (int i = off, end = off + len - needle.length; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
