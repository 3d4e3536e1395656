package dev.fluent.plugin.trust.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Sets one property of a configuration's {@code .cfg} file, keeping every other line (comments included),
 * and replaces the file in one step.
 *
 * <p>Why not {@code Configuration.update}: Karaf's file watcher writes each Config Admin update back to the
 * file by truncating it and writing it again, and a scan that meets the truncated file reads it as empty and
 * empties the configuration (a lost revocation, the trust settings gone). Written here, the file is whole at
 * every moment, and the watcher reads it into Config Admin as it reads an operator's edit: the scan that
 * finds the change is the one that updates Config Admin, so the write-back that follows meets no scan.
 */
final class ConfigFile {

    /** The property that names the file a configuration came from. */
    static final String FILE_PROPERTY = "felix.fileinstall.filename";

    private ConfigFile() {
    }

    /**
     * The {@code .cfg} file {@code location} names (the value of {@link #FILE_PROPERTY}), if it is one and
     * exists; {@code null} otherwise.
     */
    static Path of(Object location) {
        if (location == null) {
            return null;
        }
        Path file;
        try {
            String name = location.toString();
            file = name.startsWith("file:") ? Path.of(new URI(name)) : Path.of(name);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        return file.getFileName() != null && file.getFileName().toString().endsWith(".cfg")
                && Files.isRegularFile(file) ? file : null;
    }

    /** The value {@code file} gives {@code key}, or {@code null}. */
    static String get(Path file, String key) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties.getProperty(key);
    }

    /**
     * Sets {@code key} to {@code value} in {@code file}: the first line that sets it (with its continuation
     * lines) is replaced, other lines that set it are dropped, and a file without it gains it at the end.
     */
    static void set(Path file, String key, String value) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        Pattern setsKey = Pattern.compile("\\s*" + Pattern.quote(key) + "\\s*[=:\\s].*|\\s*" + Pattern.quote(key));
        String entry = key + " = " + escape(value);
        List<String> out = new ArrayList<>(lines.size() + 1);
        boolean written = false;
        boolean continuing = false;
        boolean skipping = false;
        for (String line : lines) {
            boolean logicalStart = !continuing;
            continuing = !(logicalStart && isComment(line)) && endsInOddBackslashes(line);
            if (logicalStart) {
                skipping = setsKey.matcher(line).matches();
                if (skipping && !written) {
                    out.add(entry);
                    written = true;
                }
            }
            if (!skipping) {
                out.add(line);
            }
        }
        if (!written) {
            out.add(entry);
        }
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(temp, out, StandardCharsets.ISO_8859_1);
            // A temporary file is private to its owner; the configuration file keeps the access it had.
            if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A comment line never continues (it is a natural line); any other line does when it ends in a backslash. */
    private static boolean isComment(String line) {
        String trimmed = line.stripLeading();
        return trimmed.startsWith("#") || trimmed.startsWith("!");
    }

    private static boolean endsInOddBackslashes(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The value as a properties file holds it: backslashes doubled, line breaks escaped, no leading blank. */
    private static String escape(String value) {
        String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }
}
