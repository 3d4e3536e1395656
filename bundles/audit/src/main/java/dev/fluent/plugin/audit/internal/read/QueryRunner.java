package dev.fluent.plugin.audit.internal.read;

import dev.fluent.plugin.audit.internal.log.LogDirectory.LogFile;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.Extent;
import dev.fluent.plugin.audit.internal.log.LineReader;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an {@link AuditQuery} from the files, newest file first. Each file is read forward, keeping its last
 * {@code limit} matches; reading stops once enough entries are found, or once a file starts well before
 * {@code since} (entries are written in the order they were recorded, so older files hold older entries).
 * Lines that are not entries (torn, edited beyond parsing) are skipped: {@code --verify} is what reports them.
 */
public final class QueryRunner {

    private static final Logger LOG = LoggerFactory.getLogger(QueryRunner.class);
    /** How far apart the timestamps of neighbouring entries may be (threads stamp them before queuing). */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    private QueryRunner() {
    }

    public static List<AuditRecord> query(LogDirectory dir, Extent extent, AuditQuery query) throws IOException {
        List<LogFile> files = dir.list();
        List<AuditRecord> results = new ArrayList<>();
        byte[] pluginNeedle = needle("plugin_id", query.pluginId());
        byte[] actionNeedle = needle("action", query.action());
        Instant stopBefore = query.since() == null ? null : query.since().minus(CLOCK_SLACK);
        for (int i = files.size() - 1; i >= 0 && results.size() < query.limit(); i--) {
            LogFile file = files.get(i);
            long limit = Extent.readable(extent, file);
            int wanted = query.limit() - results.size();
            ArrayDeque<AuditRecord> newest = new ArrayDeque<>();
            Instant[] oldest = {null};
            LineReader.read(file.path(), limit, (buf, off, len, number, offset, terminated) -> {
                if (!terminated || !contains(buf, off, len, pluginNeedle) || !contains(buf, off, len, actionNeedle)) {
                    if (oldest[0] == null && stopBefore != null) {
                        oldest[0] = timestampOf(buf, off, len, file.name());
                    }
                    return true;
                }
                AuditRecord r;
                try {
                    r = EntryCodec.parse(buf, off, len, file.name());
                } catch (IOException e) {
                    LOG.debug("Skipping line {} of {}: {}", number, file.name(), e.getMessage());
                    return true;
                }
                if (oldest[0] == null) {
                    oldest[0] = r.timestamp();
                }
                if (query.matches(r.pluginId(), r.action(), r.success(), r.timestamp())) {
                    newest.addLast(r);
                    if (newest.size() > wanted) {
                        newest.removeFirst();
                    }
                }
                return true;
            });
            for (Iterator<AuditRecord> it = newest.descendingIterator(); it.hasNext();) {
                results.add(it.next());
            }
            if (stopBefore != null && oldest[0] != null && oldest[0].isBefore(stopBefore)) {
                break;
            }
        }
        return results;
    }

    /** The exact text a field holding {@code value} has in a line, or {@code null} for any value. */
    private static byte[] needle(String field, String value) {
        if (value == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("\"").append(field).append("\":");
        EntryCodec.string(b, value);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] buf, int off, int len, byte[] needle) {
        if (needle == null) {
            return true;
        }
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

    private static Instant timestampOf(byte[] buf, int off, int len, String file) {
        try {
            return EntryCodec.parse(buf, off, len, file).timestamp();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
