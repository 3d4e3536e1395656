package dev.fluent.plugin.host.filesystem.internal;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A walk from an anchor (a folder the operator names: a plugin's data folder or a root) down names to the
 * folder of the last one, holding only an open handle on the folder reached ({@link SecureDirectoryStream}:
 * {@code openat} relative to the folder's descriptor). Each name is looked at through that handle without
 * following links ({@code fstatat} with {@code AT_SYMLINK_NOFOLLOW}), then opened with {@code O_NOFOLLOW}: a
 * link is refused whether it was there at the look or swapped in before the open, and what the walk holds
 * stays beneath the anchor whatever is renamed meanwhile. A name that is not a folder is never opened as one
 * (the JDK opens folders without {@code O_DIRECTORY}: a FIFO would block the open).
 */
final class Walk implements AutoCloseable {

    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path anchor;
    private final List<String> names;
    private SecureDirectoryStream<Path> folder;

    private Walk(Path anchor, List<String> names, SecureDirectoryStream<Path> start) {
        this.anchor = anchor;
        this.names = names;
        this.folder = start;
    }

    static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream) throws Refusal, IOException {
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw Refusal.of(Refusal.Kind.UNSUPPORTED, "");
    }

    /** Opens the anchor and every folder on the way to the last name (for no names, the anchor is the file). */
    static Walk to(Path anchor, List<String> names) throws Refusal, IOException {
        if (names.isEmpty()) {
            throw Refusal.of(Refusal.Kind.FOLDER, "");
        }
        SecureDirectoryStream<Path> start;
        try {
            start = secure(Files.newDirectoryStream(anchor));
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw Refusal.of(Refusal.Kind.MISSING_FOLDER, ""); // the operator's folder: not named to plugins
        }
        Walk walk = new Walk(anchor, names, start);
        try {
            for (String name : names.subList(0, names.size() - 1)) {
                walk.enter(name);
            }
            return walk;
        } catch (Refusal | IOException | RuntimeException e) {
            walk.close();
            throw e;
        }
    }

    String name() {
        return names.get(names.size() - 1);
    }

    private void enter(String name) throws Refusal, IOException {
        BasicFileAttributes attributes = look(name);
        if (attributes == null) {
            throw Refusal.of(Refusal.Kind.MISSING_FOLDER, name);
        }
        if (attributes.isSymbolicLink()) {
            throw Refusal.link(name, true);
        }
        if (!attributes.isDirectory()) {
            // A FIFO is never opened, even as a folder: the open would wait for a writer.
            throw Refusal.of(Refusal.Kind.NOT_A_FOLDER, name);
        }
        SecureDirectoryStream<Path> next;
        try {
            next = folder.newDirectoryStream(Path.of(name), NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw Refusal.of(Refusal.Kind.MISSING_FOLDER, name);
        } catch (NotDirectoryException e) {
            throw Refusal.of(Refusal.Kind.NOT_A_FOLDER, name);
        } catch (IOException e) {
            throw linkOr(name, true, e);
        }
        folder.close();
        folder = next;
    }

    /** The name's attributes, links not followed, through the folder's handle; {@code null} if it does not exist. */
    BasicFileAttributes look(String name) throws IOException {
        try {
            return folder.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Refuses anything but a regular file, before it is opened. */
    void requireFile(String name, BasicFileAttributes attributes) throws Refusal {
        if (attributes.isSymbolicLink()) {
            throw Refusal.link(name, false);
        }
        if (attributes.isDirectory()) {
            throw Refusal.of(Refusal.Kind.FOLDER, name);
        }
        if (!attributes.isRegularFile()) {
            throw Refusal.special(name, describe(name, attributes));
        }
    }

    /**
     * Opens the name, links not followed, and checks through the open channel that it is no FIFO or
     * socket (they cannot seek): the name may have been swapped since it was looked at.
     */
    SeekableByteChannel open(String name, Set<StandardOpenOption> options) throws Refusal, IOException {
        Set<OpenOption> all = new HashSet<>(options);
        all.add(LinkOption.NOFOLLOW_LINKS);
        SeekableByteChannel channel;
        try {
            channel = folder.newByteChannel(Path.of(name), all);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // O_NOFOLLOW refuses a link with ELOOP, which the JDK reports as an IOException.
            throw linkOr(name, false, e);
        }
        try {
            channel.position(0);
        } catch (IOException notSeekable) {
            channel.close();
            throw Refusal.special(name, describe(name, null));
        }
        return channel;
    }

    /** Refuses the link when opening the name failed because it is one; else returns the failure to throw. */
    private IOException linkOr(String name, boolean onTheWay, IOException e) throws Refusal {
        if (isLink(name, e)) {
            throw Refusal.link(name, onTheWay);
        }
        return e;
    }

    /** Whether opening the name failed because it is a link: now, or when {@code O_NOFOLLOW} met it (ELOOP). */
    private boolean isLink(String name, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (reason != null && reason.contains("symbolic link")) {
            return true;
        }
        try {
            BasicFileAttributes now = look(name);
            return now != null && now.isSymbolicLink();
        } catch (IOException ignored) {
            return false;
        }
    }

    /**
     * What a special file is, for the message. The type is read by path ({@code unix:mode}: the folder's handle
     * offers no such view), so it is named only when that path still leads to the entry the handle saw.
     */
    String describe(String name, BasicFileAttributes seen) {
        String generic = "a special file (a FIFO, a device or a socket)";
        if (seen == null || seen.fileKey() == null) {
            return generic;
        }
        try {
            Path path = anchor.resolve(String.join("/", names.subList(0, names.size() - 1))).resolve(name);
            Map<String, Object> unix = Files.readAttributes(path, "unix:mode,dev,ino", NOFOLLOW);
            String key = "(dev=" + Long.toHexString((Long) unix.get("dev")) + ",ino=" + unix.get("ino") + ")";
            if (!key.equals(seen.fileKey().toString())) {
                return generic;
            }
            return switch ((Integer) unix.get("mode") & 0170000) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> generic;
            };
        } catch (IOException | RuntimeException unknown) {
            return generic;
        }
    }

    @Override
    public void close() throws IOException {
        folder.close();
    }
}
