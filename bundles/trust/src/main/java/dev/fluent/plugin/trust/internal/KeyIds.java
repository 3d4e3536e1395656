package dev.fluent.plugin.trust.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key ids: the first 16 bytes of the SHA-256 of a key's {@code SubjectPublicKeyInfo} in DER, as 32
 * lowercase hex digits. The id follows from the key alone, so signer and verifier agree on it without
 * exchanging anything, and a file name or comment cannot change it. 128 bits keep collisions out of reach
 * (a second key with the same id would need about 2^128 tries).
 */
final class KeyIds {

    static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{32}");
    static final String RULE = "32 lowercase hex digits, as plugin:trust list shows";

    private KeyIds() {
    }

    static String of(byte[] subjectPublicKeyInfo) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
            return HexFormat.of().formatHex(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static boolean isKeyId(String text) {
        return text != null && KEY_ID.matcher(text).matches();
    }
}
