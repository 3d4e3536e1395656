package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.audit.internal.log.LogDirectory.Head;
import dev.fluent.plugin.audit.internal.log.EntryCodec;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.log.Recovery;
import java.io.IOException;

/**
 * Where the chain stands: the last entry written, by sequence number, hash and file. The next entry follows it
 * ({@code seq + 1}, this hash as its {@code prev_hash}); once the file is forced to disk, {@code audit.head}
 * records it. Used by one thread at a time.
 */
public final class ChainHead {

    private long seq;
    private String hash = EntryCodec.GENESIS;
    private String file;

    /** Continues the chain as recovery found it. */
    public void continueFrom(Recovery.State state) {
        seq = state.seq();
        hash = state.hash();
        file = state.lastFile();
    }

    public long seq() {
        return seq;
    }

    public String hash() {
        return hash;
    }

    /** Entries up to {@code lastSeq}, the last with {@code lastHash}, are written to {@code fileName}. */
    public void advance(long lastSeq, String lastHash, String fileName) {
        seq = lastSeq;
        hash = lastHash;
        file = fileName;
    }

    /**
     * Records the last entry in {@code audit.head}; call once the log file holding it is forced to disk.
     *
     * @param activeFile the file being appended to
     * @param activeLength its length; recorded when it holds the last entry, so that recovery can tell how many
     *        bytes a truncation cut off
     */
    public void save(LogDirectory dir, String activeFile, long activeLength) throws IOException {
        if (seq > 0 && file != null) {
            dir.writeHead(new Head(file, seq, hash, file.equals(activeFile) ? activeLength : -1));
        }
    }
}
