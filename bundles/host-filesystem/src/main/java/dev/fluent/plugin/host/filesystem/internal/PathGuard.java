package dev.fluent.plugin.host.filesystem.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, as text and before the disk is looked at, whether a path a plugin names lies inside its
 * {@code allowed_file_paths}: no {@code ..} segment; relative paths under the plugin's data folder; inside an
 * entry, itself inside the folder it must stay in (the data folder for a relative entry, an operator's root
 * for an absolute one). A refused path reveals nothing about the disk. The answer is where to start (that
 * folder, the anchor) and the names to walk from it: {@link FileAccess} walks them without following links,
 * so a link anywhere beneath the anchor, there before the call or swapped in during it, is refused.
 */
final class PathGuard {

    /** Longest path accepted, in bytes. */
    static final int MAX_PATH_BYTES = 4096;

    /**
     * A path inside the grant.
     *
     * @param anchor the folder the walk starts from: the data folder or an operator's root
     * @param names the names to walk from it, the file's last
     * @param named the path as the plugin named it, for messages and the audit
     * @param inDataFolder whether the file lies under the plugin's data folder (its stored-bytes quota applies)
     */
    record Target(Path anchor, List<String> names, String named, boolean inDataFolder) {
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
     * Checks a path for {@code function} as text.
     *
     * @throws HostCallException ACCESS_DENIED (audited) when the path is outside the grant
     */
    static Target check(HostCall call, String function, String named) {
        Grant grant = call.grant();
        for (String segment : named.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                throw call.deny(ErrorCode.ACCESS_DENIED, function, named, "path '" + named
                        + "' has a '..' segment; name files inside the plugin's allowed_file_paths directly");
            }
        }
        Path data = grant.dataFolder().toAbsolutePath().normalize();
        Path requested;
        try {
            Path p = Path.of(named);
            requested = (p.isAbsolute() ? p : data.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": '" + named + "' is not a path");
        }
        Entry deepest = null;
        for (Entry entry : entries(grant, data)) {
            if (requested.startsWith(entry.path)
                    && (deepest == null || entry.anchor.getNameCount() > deepest.anchor.getNameCount())) {
                deepest = entry;
            }
        }
        if (deepest == null) {
            throw call.deny(ErrorCode.ACCESS_DENIED, function, named, "path '" + named + "' is outside plugin "
                    + call.pluginId() + "'s allowed_file_paths " + grant.permissions().allowedFilePaths()
                    + (Path.of(named).isAbsolute() ? "" : " (relative paths are under its data folder)"));
        }
        List<String> names = new ArrayList<>();
        for (Path name : deepest.anchor.relativize(requested)) {
            if (!name.toString().isEmpty()) {
                names.add(name.toString());
            }
        }
        return new Target(deepest.anchor, List.copyOf(names), named, requested.startsWith(data));
    }

    private record Entry(Path path, Path anchor) {
    }

    /** The grant's entries as absolute paths, each with the folder it must stay inside. */
    private static List<Entry> entries(Grant grant, Path data) {
        List<Entry> entries = new ArrayList<>();
        for (String text : grant.permissions().allowedFilePaths()) {
            Path p;
            try {
                p = Path.of(text);
            } catch (InvalidPathException e) {
                continue;
            }
            if (!p.isAbsolute()) {
                Path entry = data.resolve(p).normalize();
                if (entry.startsWith(data)) {
                    entries.add(new Entry(entry, data));
                }
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
