package dev.fluent.plugin.manifest.internal;

/**
 * The syntax of one {@code permissions.allowed_file_paths} entry: non-empty, at most
 * {@value #MAX_LENGTH} characters, no {@code ..} segment (with {@code /} or {@code \} as separator).
 * Control characters, NUL included, are refused for every manifest string before this check. Resolving
 * the path (relative to the plugin's data folder, symlinks, allowed roots) happens where files are
 * opened, not here.
 */
final class PathRules {

    /** The usual PATH_MAX. */
    static final int MAX_LENGTH = 4096;

    private PathRules() {
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code entry} */
    static void check(String entry) {
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("is empty; name a file or folder");
        }
        if (entry.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
        }
        for (String segment : entry.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException(Text.quote(entry)
                        + " has a \"..\" segment; a path may not climb out of the folder it names");
            }
        }
    }
}
