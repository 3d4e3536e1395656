package dev.fluent.example.ecdsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM files of one block: {@code -----BEGIN <label>-----}, base64 in lines of 64, {@code -----END <label>-----}. */
final class Pem {

    private static final long MAX_BYTES = 16 * 1024;

    private Pem() {
    }

    static void write(Path file, String label, byte[] der) throws IOException {
        Files.writeString(file, text(label, der), StandardCharsets.US_ASCII);
    }

    /** Created readable by its owner only where the file system knows permissions, before anything is written. */
    static void writeOwnerOnly(Path file, String label, byte[] der) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text(label, der), StandardCharsets.US_ASCII);
    }

    private static String text(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static byte[] read(Path file, String label) throws PluginException {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, "no key file " + file + " (a PEM " + label
                        + " of at most 16 KiB)");
            }
            Matcher m = Pattern.compile("-----BEGIN " + label + "-----([A-Za-z0-9+/=\\s]+)-----END " + label + "-----")
                    .matcher(Files.readString(file, StandardCharsets.US_ASCII));
            if (!m.find()) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, file + " holds no " + label + " block");
            }
            return Base64.getMimeDecoder().decode(m.group(1));
        } catch (IOException | IllegalArgumentException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
