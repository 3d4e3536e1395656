package dev.fluent.plugin.manifest.internal;

import java.util.regex.Pattern;

/**
 * The shape of the manifest's {@code signature}, {@code <algorithm>:<key-id>:<base64>}: what the parser checks
 * before any verifier sees it. Which algorithms and keys are acceptable is the verifiers' business.
 */
final class SignatureShape {

    static final String RULE = "<algorithm>:<key-id>:<base64>";

    private static final Pattern ALGORITHM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    private static final Pattern KEY_ID = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]{1,128}");
    private static final Pattern BASE64 =
            Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    private SignatureShape() {
    }

    /** What is wrong with {@code signature}'s shape, with the fix, or {@code null} when nothing is. */
    static String problem(String signature) {
        if (signature.isEmpty()) {
            return "empty; remove the field for an unsigned plugin or sign it";
        }
        String[] parts = signature.split(":", -1);
        if (parts.length != 3) {
            return "expected " + RULE + " (three parts separated by ':'), got " + Text.quote(signature);
        }
        if (!ALGORITHM.matcher(parts[0]).matches()) {
            return (parts[0].isEmpty() ? "the algorithm part is empty" : "the algorithm " + Text.quote(parts[0])
                    + " is not 1-32 of A-Z, a-z, 0-9, '.', '_', '-'") + "; expected " + RULE;
        }
        if (!KEY_ID.matcher(parts[1]).matches()) {
            return (parts[1].isEmpty() ? "the key-id part is empty" : "the key id " + Text.quote(parts[1])
                    + " is not 1-128 printable ASCII characters without spaces") + "; expected " + RULE;
        }
        if (parts[2].isEmpty()) {
            return "the base64 part is empty; expected " + RULE;
        }
        if (!BASE64.matcher(parts[2]).matches()) {
            return "the base64 part is not padded standard base64 (A-Z a-z 0-9 + /, '=' padding to a multiple of 4"
                    + " characters); expected " + RULE;
        }
        return null;
    }
}
