package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a path a plugin names lies inside its {@code allowed_file_paths}, twice: first as text
 * (no {@code ..} segment; relative paths under the plugin's data folder; inside an entry), then for real,
 * with every symbolic link resolved, against the real location of that entry and of the folder the entry
 * must stay in (the data folder for a relative entry, an operator's root for an absolute one). A path that
 * passes the first check but not the second escapes through a link and is refused. Nothing outside the
 * entries is looked at before the textual check passes, so a refused path reveals nothing about the disk.
 */
final class PathGuard {

    /** Longest path accepted, in bytes. */
    static final int MAX_PATH_BYTES = 4096;

    /** A checked path: where to open, and what the plugin named (for messages and the audit). */
    record Checked(Path real, String named) {
    }

    /** The path does not exist (or its folder does not); the caller answers NOT_FOUND. */
    static final class Missing extends Exception {
        private static final long serialVersionUID = 1L;

        Missing(String message) {
            super(message, null, false, false);
        }
    }

    private PathGuard() {
    }

    /** Reads the path argument: UTF-8, 1 to {@value #MAX_PATH_BYTES} bytes, no NUL. */
    static String readPath(HostCall call, String function, long ptr, long len) {
        long length = len & 0xFFFF_FFFFL;
        if (length == 0 || length > MAX_PATH_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": a path is 1 to " + MAX_PATH_BYTES
                    + " bytes, got " + length);
        }
        String path = call.readString(ptr, length);
        if (path.indexOf('\0') >= 0) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": the path contains a NUL byte");
        }
        return path;
    }

    /**
     * Checks a path for {@code function}; for a write the file itself need not exist, its folder must.
     *
     * @throws HostCallException ACCESS_DENIED (audited) when the path is outside the grant
     * @throws Missing when it is inside but does not exist
     */
    static Checked check(HostCall call, String function, String named, boolean forWrite) throws Missing {
        Grant grant = call.grant();
        for (String segment : named.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                throw call.deny(ErrorCode.ACCESS_DENIED, function, named, "path '" + named
                        + "' has a '..' segment; name files inside the plugin's allowed_file_paths directly");
            }
        }
        Path requested;
        try {
            Path p = Path.of(named);
            requested = (p.isAbsolute() ? p : grant.dataFolder().resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": '" + named + "' is not a path");
        }
        List<Entry> entries = entries(grant);
        List<Entry> containing = entries.stream().filter(e -> requested.startsWith(e.path)).toList();
        if (containing.isEmpty()) {
            throw call.deny(ErrorCode.ACCESS_DENIED, function, named, "path '" + named + "' is outside plugin "
                    + call.pluginId() + "'s allowed_file_paths " + grant.permissions().allowedFilePaths()
                    + (Path.of(named).isAbsolute() ? "" : " (relative paths are under its data folder)"));
        }
        Path real = real(requested, named);
        for (Entry entry : containing) {
            Path entryReal;
            Path anchorReal;
            try {
                entryReal = real(entry.path, named);
                anchorReal = entry.anchor.toRealPath();
            } catch (Missing | IOException e) {
                continue;
            }
            if (real.startsWith(entryReal) && entryReal.startsWith(anchorReal)) {
                if (!forWrite && !Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                    throw new Missing("'" + named + "' does not exist");
                }
                return new Checked(real, named);
            }
        }
        throw call.deny(ErrorCode.ACCESS_DENIED, function, named, "path '" + named
                + "' leads outside the plugin's allowed_file_paths through a symbolic link (it resolves to a"
                + " file outside them)");
    }

    /**
     * The path with every link resolved; for a path that does not exist, its folder resolved plus its name
     * (so that a missing file is checked against the grant before the plugin learns it is missing).
     */
    private static Path real(Path path, String named) throws Missing {
        try {
            return path.toRealPath();
        } catch (NoSuchFileException e) {
            if (path.getParent() == null) {
                throw new Missing("'" + named + "' does not exist");
            }
            try {
                return path.getParent().toRealPath().resolve(path.getFileName());
            } catch (IOException parentMissing) {
                throw new Missing("the folder of '" + named + "' does not exist");
            }
        } catch (IOException e) {
            throw new Missing("'" + named + "' cannot be resolved: " + e.getMessage());
        }
    }

    private record Entry(Path path, Path anchor) {
    }

    /** The grant's entries as absolute paths, each with the folder it must really stay inside. */
    private static List<Entry> entries(Grant grant) {
        List<Entry> entries = new ArrayList<>();
        Path data = grant.dataFolder().toAbsolutePath().normalize();
        for (String text : grant.permissions().allowedFilePaths()) {
            Path p;
            try {
                p = Path.of(text);
            } catch (InvalidPathException e) {
                continue;
            }
            if (!p.isAbsolute()) {
                entries.add(new Entry(data.resolve(p).normalize(), data));
                continue;
            }
            Path entry = p.normalize();
            for (Path root : grant.allowedRoots()) {
                Path r = root.toAbsolutePath().normalize();
                if (entry.startsWith(r)) {
                    entries.add(new Entry(entry, r));
                    break;
                }
            }
        }
        return entries;
    }
}
