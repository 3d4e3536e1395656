package dev.fluent.plugin.audit.internal;

import dev.fluent.plugin.audit.internal.LogDirectory.Head;
import java.io.IOException;

/**
 * Where the chain stands: the last entry written, by sequence number, hash and file. The next entry follows it
 * ({@code seq + 1}, this hash as its {@code prev_hash}); once the file is forced to disk, {@code audit.head}
 * records it. Used by one thread at a time.
 */
final class ChainHead {

    private long seq;
    private String hash = EntryCodec.GENESIS;
    private String file;

    /** Continues the chain as recovery found it. */
    void continueFrom(Recovery.State state) {
        seq = state.seq();
        hash = state.hash();
        file = state.lastFile();
    }

    long seq() {
        return seq;
    }

    String hash() {
        return hash;
    }

    /** Entries up to {@code lastSeq}, the last with {@code lastHash}, are written to {@code fileName}. */
    void advance(long lastSeq, String lastHash, String fileName) {
        seq = lastSeq;
        hash = lastHash;
        file = fileName;
    }

    /** Records the last entry in {@code audit.head}; call once the log file holding it is forced to disk. */
    void save(LogDirectory dir) throws IOException {
        if (seq > 0 && file != null) {
            dir.writeHead(new Head(file, seq, hash));
        }
    }
}
