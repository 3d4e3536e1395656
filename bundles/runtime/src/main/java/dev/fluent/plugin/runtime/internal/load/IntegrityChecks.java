package dev.fluent.plugin.runtime.internal.load;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** The checks on a manifest's dates and on the module's checksum, at load and while a plugin stays loaded. */
public final class IntegrityChecks {

    /** Clock difference tolerated between the machine that built a plugin and this one. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private IntegrityChecks() {
    }

    /** Refuses a plugin past {@code expires_at} or before {@code created_at}, allowing {@link #CLOCK_SKEW}. */
    public static void checkValidity(PluginManifest manifest, Instant now) throws PluginException {
        if (manifest.expiresAt() != null && now.isAfter(manifest.expiresAt().plus(CLOCK_SKEW))) {
            throw new PluginException(ErrorCode.EXPIRED, manifest.name(),
                    "the plugin expired at " + manifest.expiresAt() + " (expires_at); ask its author for a new version");
        }
        if (manifest.createdAt() != null && manifest.createdAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new PluginException(ErrorCode.NOT_YET_VALID, manifest.name(),
                    "the plugin is not valid before " + manifest.createdAt() + " (created_at); check this machine's clock");
        }
    }

    /** The module is the one the manifest (and so its signature) names. */
    public static void checkChecksum(PluginManifest manifest, byte[] wasm) throws PluginException {
        String id = manifest.name();
        if (manifest.checksum() == null) {
            throw new PluginException(ErrorCode.CHECKSUM_MISSING, id, "the manifest has no checksum; set it to the "
                    + "SHA-256 of " + PluginFiles.WASM_FILE + " (lowercase hex) or sign the plugin, which sets it");
        }
        String actual = sha256(wasm);
        if (!actual.equals(manifest.checksum())) {
            throw new PluginException(ErrorCode.CHECKSUM_MISMATCH, id, PluginFiles.WASM_FILE + " has SHA-256 " + actual
                    + " but the manifest's checksum is " + manifest.checksum() + ": the module was changed or replaced");
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
