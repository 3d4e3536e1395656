package dev.fluent.example.ecdsa.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two edits signing makes to {@code manifest.json}, on its text so that the author's layout stays: the
 * {@code checksum} set, the {@code signature} replaced. The platform's parser checks the result afterwards.
 */
final class ManifestText {

    private static final Pattern CHECKSUM = Pattern.compile("\"checksum\"\\s*:\\s*\"[^\"]*\"");
    private static final Pattern SIGNATURE_FIRST = Pattern.compile("\"signature\"\\s*:\\s*\"[^\"]*\"\\s*,\\s*");
    private static final Pattern SIGNATURE_LAST = Pattern.compile(",\\s*\"signature\"\\s*:\\s*\"[^\"]*\"");

    private ManifestText() {
    }

    static String withoutSignature(String json) {
        String without = SIGNATURE_FIRST.matcher(json).replaceFirst("");
        return without.equals(json) ? SIGNATURE_LAST.matcher(json).replaceFirst("") : without;
    }

    static String withChecksum(String json, String checksum) throws PluginException {
        Matcher m = CHECKSUM.matcher(json);
        if (m.find()) {
            return m.replaceFirst(Matcher.quoteReplacement("\"checksum\": \"" + checksum + "\""));
        }
        return insert(json, "\"checksum\": \"" + checksum + "\"");
    }

    static String withSignature(String json, String signature) throws PluginException {
        return insert(json, "\"signature\": \"" + signature + "\"");
    }

    private static String insert(String json, String member) throws PluginException {
        int open = json.indexOf('{');
        if (open < 0) {
            throw new PluginException(ErrorCode.MANIFEST_INVALID, null, "manifest.json is not a JSON object");
        }
        return json.substring(0, open + 1) + "\n  " + member + "," + json.substring(open + 1);
    }
}
