package dev.fluent.plugin.host.filesystem.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Reads and writes files beneath a folder (the anchor: the plugin's data folder or an operator's root) without
 * ever following a symbolic link, so that no path check can be raced: the walk holds an open handle on each
 * folder ({@link SecureDirectoryStream}, {@code openat} relative to the folder's descriptor, with
 * {@code O_NOFOLLOW}) and opens the next name relative to it. Renaming or swapping a folder on the way for a
 * link changes nothing the walk already holds; a link met on the way, at any moment, is refused.
 *
 * <p>Only regular files are opened. Each name's type is read through the folder's handle without following
 * links before it is opened, so a FIFO, device or socket is refused without being opened (opening a FIFO
 * blocks until someone opens its other end). A file swapped for a FIFO between that look and the open is caught
 * after the open: a FIFO or socket cannot seek. The open itself may then block; callers run these operations
 * on threads of their own ({@link FileThreads}) so that the execution does not wait past its deadline.
 *
 * <p>Nothing here knows about plugins: refusals are {@link Refusal}s the providers turn into answers.
 */
final class FileAccess {

    /** The least an entry of a data folder counts for the stored-bytes quota: one block of the disk. */
    static final long BLOCK = 4096;

    /** Deepest folder nesting the stored-bytes walk descends. */
    static final int MAX_DEPTH = 64;

    /** What a write did: whether it created the file. */
    record Written(boolean created) {
    }

    /** A quota on the bytes a folder holds: the folder, and the most it may hold. */
    record Quota(Path folder, long maxBytes) {
    }

    private FileAccess() {
    }

    /**
     * Reads the regular file {@code names} beneath {@code anchor}, at most {@code maxBytes}.
     *
     * @throws Refusal LINK, SPECIAL, NOT_A_FOLDER, MISSING_FOLDER, MISSING, FOLDER, TOO_LARGE, UNSUPPORTED, IO
     */
    static byte[] read(Path anchor, List<String> names, long maxBytes) throws Refusal {
        try (Walk walk = Walk.to(anchor, names)) {
            String name = walk.name();
            BasicFileAttributes attributes = walk.look(name);
            if (attributes == null) {
                throw Refusal.of(Refusal.Kind.MISSING, name);
            }
            walk.requireFile(name, attributes);
            if (attributes.size() > maxBytes) {
                throw Refusal.number(Refusal.Kind.TOO_LARGE, attributes.size());
            }
            try (SeekableByteChannel channel = walk.open(name, Set.of(StandardOpenOption.READ))) {
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), maxBytes) + 1);
                while (true) {
                    if (!buffer.hasRemaining()) {
                        if (buffer.capacity() > maxBytes) {
                            break;
                        }
                        // The file grew since it was measured: read on, up to one byte past the limit.
                        buffer = ByteBuffer.allocate((int) Math.min(maxBytes + 1, buffer.capacity() * 2L))
                                .put(buffer.flip());
                    }
                    if (channel.read(buffer) < 0) {
                        break;
                    }
                }
                if (buffer.position() > maxBytes) {
                    throw Refusal.number(Refusal.Kind.TOO_LARGE, buffer.position());
                }
                byte[] bytes = new byte[buffer.position()];
                buffer.flip().get(bytes);
                return bytes;
            }
        } catch (NoSuchFileException e) {
            // The file went away between the look and the open: as if it had never been there.
            throw Refusal.of(Refusal.Kind.MISSING, names.get(names.size() - 1));
        } catch (IOException e) {
            throw Refusal.io(e);
        }
    }

    /**
     * Writes (or appends to) the regular file {@code names} beneath {@code anchor}; its folder must exist.
     *
     * @param maxFileBytes the size the file may reach
     * @param mayCreate whether the file may be created if it does not exist
     * @param quota the folder whose stored bytes the write counts against, or {@code null}
     * @param abandoned true once nobody waits for the write any more: the file is then not opened
     * @throws Refusal LINK, SPECIAL, NOT_A_FOLDER, MISSING_FOLDER, FOLDER, TOO_LARGE, CREATE, STORED, UNSUPPORTED, IO
     */
    static Written write(Path anchor, List<String> names, byte[] data, boolean append, long maxFileBytes,
            boolean mayCreate, Quota quota, BooleanSupplier abandoned) throws Refusal {
        try (Walk walk = Walk.to(anchor, names)) {
            String name = walk.name();
            BasicFileAttributes attributes = walk.look(name);
            if (attributes != null) {
                walk.requireFile(name, attributes);
            } else if (!mayCreate) {
                throw Refusal.of(Refusal.Kind.CREATE, name);
            }
            long old = attributes == null ? 0 : attributes.size();
            long size = append ? old + data.length : data.length;
            if (size > maxFileBytes) {
                throw Refusal.number(Refusal.Kind.TOO_LARGE, size);
            }
            if (quota != null) {
                long growth = charge(size) - (attributes == null ? 0 : charge(old));
                if (growth > 0) {
                    long stored = stored(quota.folder(), quota.maxBytes() - growth);
                    if (stored + growth > quota.maxBytes()) {
                        throw Refusal.number(Refusal.Kind.STORED, stored + growth);
                    }
                }
            }
            if (abandoned.getAsBoolean()) {
                throw Refusal.io(new IOException("the execution stopped waiting before the file was opened"));
            }
            boolean created = attributes == null;
            SeekableByteChannel channel = null;
            try {
                if (created) {
                    try {
                        channel = walk.open(name, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
                    } catch (FileAlreadyExistsException meanwhile) {
                        created = false;
                    }
                }
                if (channel == null) {
                    channel = walk.open(name, Set.of(StandardOpenOption.WRITE,
                            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING));
                }
                if (append && channel.size() + data.length > maxFileBytes) {
                    throw Refusal.number(Refusal.Kind.TOO_LARGE, channel.size() + data.length);
                }
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                return new Written(created);
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
        } catch (NoSuchFileException e) {
            // The file went away between the look and the open: as if it had never been there.
            throw Refusal.of(Refusal.Kind.MISSING, names.isEmpty() ? "" : names.get(names.size() - 1));
        } catch (IOException e) {
            throw Refusal.io(e);
        }
    }

    /** What an entry of {@code size} bytes counts for the stored-bytes quota. */
    static long charge(long size) {
        return Math.max(BLOCK, size);
    }

    /**
     * The bytes {@code folder} holds: every entry beneath it, folders included, each counted as
     * {@link #charge}, links and other special entries as one block and never followed. The walk stops as
     * soon as the sum passes {@code stopAbove}, the most the caller needs to know; the sum it returns is then
     * above {@code stopAbove} but may be lower than the whole. A folder that does not exist holds nothing.
     */
    static long stored(Path folder, long stopAbove) throws Refusal, IOException {
        SecureDirectoryStream<Path> root;
        try {
            root = Walk.secure(Files.newDirectoryStream(folder));
        } catch (NoSuchFileException e) {
            return 0;
        }
        long sum = 0;
        Deque<SecureDirectoryStream<Path>> open = new ArrayDeque<>();
        Deque<Iterator<Path>> entries = new ArrayDeque<>();
        open.push(root);
        entries.push(root.iterator());
        try {
            while (!entries.isEmpty() && sum <= stopAbove) {
                Iterator<Path> it = entries.peek();
                Path name;
                try {
                    if (!it.hasNext()) {
                        entries.pop();
                        open.pop().close();
                        continue;
                    }
                    name = it.next().getFileName();
                } catch (DirectoryIteratorException e) {
                    throw e.getCause();
                }
                SecureDirectoryStream<Path> dir = open.peek();
                BasicFileAttributes a;
                try {
                    a = dir.getFileAttributeView(name, BasicFileAttributeView.class, Walk.NOFOLLOW).readAttributes();
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (a.isRegularFile()) {
                    sum += charge(a.size());
                } else if (a.isDirectory()) {
                    sum += BLOCK;
                    if (open.size() >= MAX_DEPTH) {
                        throw Refusal.io(new IOException("the data folder nests folders deeper than " + MAX_DEPTH
                                + " levels; its stored bytes are not counted that deep"));
                    }
                    SecureDirectoryStream<Path> child;
                    try {
                        child = dir.newDirectoryStream(name, Walk.NOFOLLOW);
                    } catch (NoSuchFileException | NotDirectoryException gone) {
                        continue;
                    } catch (FileSystemException linkOrUnreadable) {
                        continue; // swapped for a link meanwhile, or not readable: its block is counted, no more
                    }
                    open.push(child);
                    entries.push(child.iterator());
                } else {
                    sum += BLOCK;
                }
            }
            return sum;
        } finally {
            for (DirectoryStream<Path> d : open) {
                d.close();
            }
        }
    }
}
