package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Public key files: one {@code SubjectPublicKeyInfo} PEM block each, read with a bound on their size. */
final class KeyFiles {

    private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private KeyFiles() {
    }

    /** A file the operator hands to {@code plugin:trust add}. */
    static PublicKeys.Parsed read(Path file, Algorithms algorithms) throws PluginException {
        return parse(readText(file), file, algorithms);
    }

    /** A file of a key folder: one public key, and never a private one. */
    static PublicKeys.Parsed readTrusted(Path file, Algorithms algorithms) throws PluginException {
        String text = readText(file);
        if (Pem.labels(text).stream().anyMatch(label -> label.endsWith("PRIVATE KEY"))) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, file + " holds a private key; only public keys belong"
                    + " in the trusted keys folder. Move it somewhere only its owner can read");
        }
        return parse(text, file, algorithms);
    }

    private static PublicKeys.Parsed parse(String text, Path file, Algorithms algorithms) throws PluginException {
        return PublicKeys.parse(Pem.read(text, Pem.PUBLIC_KEY, file.toString()), file.toString(), algorithms);
    }

    private static String readText(Path file) throws PluginException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, "no key file " + file);
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, file + " is too large to be a key file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot read " + file + ": " + e, e);
        }
    }
}
