package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM as RFC 7468 writes it: {@code -----BEGIN <label>-----}, base64 in lines of 64, {@code -----END
 * <label>-----}. Reads exactly one block of the label asked for; text around blocks is allowed.
 */
final class Pem {

    static final String PUBLIC_KEY = "PUBLIC KEY";
    static final String PRIVATE_KEY = "PRIVATE KEY";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{1,40})-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");

    private Pem() {
    }

    /**
     * The DER inside the one block labelled {@code label}.
     *
     * @param what how messages name the text, e.g. the file's path
     * @throws PluginException {@link ErrorCode#KEY_INVALID} naming what was found instead
     */
    static byte[] read(String text, String label, String what) throws PluginException {
        List<byte[]> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    found.add(Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", "")));
                } catch (IllegalArgumentException e) {
                    throw invalid(what + ": the " + label + " block is not valid base64");
                }
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.size() > 1) {
            throw invalid(what + " holds " + found.size() + " " + label + " blocks; put one key in each file");
        }
        List<String> labels = labels(text);
        if (labels.isEmpty()) {
            throw invalid(what + " is not PEM: expected a -----BEGIN " + label + "----- block");
        }
        throw invalid(what + " holds " + String.join(", ", labels) + " but no " + label + hint(labels, label));
    }

    /** The labels of the blocks in {@code text}, in order. */
    static List<String> labels(String text) {
        List<String> labels = new ArrayList<>();
        Matcher m = BEGIN.matcher(text);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    static String write(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }

    private static String hint(List<String> labels, String wanted) {
        if (labels.contains("RSA PUBLIC KEY")) {
            return "; convert the PKCS#1 key with: openssl rsa -RSAPublicKey_in -in <file> -pubout";
        }
        if (labels.contains("ENCRYPTED PRIVATE KEY")) {
            return "; the key is encrypted: decrypt it with openssl pkcs8 -in <file> -out <plain.pem>"
                    + " and keep that file readable by you only";
        }
        if (labels.contains("RSA PRIVATE KEY") || labels.contains("OPENSSH PRIVATE KEY")) {
            return "; convert the key to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in <file>";
        }
        if (wanted.equals(PUBLIC_KEY) && labels.contains(PRIVATE_KEY)) {
            return "; this is a private key: trust its public half (public.pem), never the private key";
        }
        if (wanted.equals(PRIVATE_KEY) && labels.contains(PUBLIC_KEY)) {
            return "; this is a public key: signing needs the private key";
        }
        return "";
    }

    private static PluginException invalid(String message) {
        return new PluginException(ErrorCode.KEY_INVALID, null, message);
    }
}
