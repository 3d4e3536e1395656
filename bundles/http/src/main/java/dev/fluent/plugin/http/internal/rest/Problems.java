package dev.fluent.plugin.http.internal.rest;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failures as RFC 9457 problem details ({@code application/problem+json}), each carrying the platform's stable
 * {@code code} besides the HTTP status, so that a client matches on the same codes as scripts and auditors do.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The problem type of a code: a URN, as the platform publishes no web pages for its codes. */
    public static final String TYPE_PREFIX = "urn:dev.fluent.plugin:problem:";

    private Problems() {
    }

    /** The HTTP status a platform error code is answered with. */
    public static int status(ErrorCode code) {
        return switch (code) {
            case NOT_LOADED, UNLOADED -> 404;
            case BAD_REQUEST -> 400;
            case ALREADY_LOADED -> 409;
            case RATE_LIMITED -> 429;
            case BUSY, CAPABILITY_UNAVAILABLE, ALGORITHM_UNAVAILABLE, CLUSTER_UNAVAILABLE -> 503;
            case TIMEOUT -> 504;
            case ACCESS_DENIED, CAPABILITY_NOT_GRANTED, LIMIT_EXCEEDED -> 403;
            // The plugin, the server's upstream here, failed or broke its contract.
            case MEMORY_LIMIT, STACK_EXHAUSTED, TRAP, BAD_HOST_CALL, BAD_RESPONSE, PLUGIN_ERROR -> 502;
            // A load or reload refused: the folder named in the request holds nothing the platform accepts.
            case PLUGIN_NOT_FOUND, MANIFEST_MISSING, MANIFEST_INVALID, WASM_MISSING, CHECKSUM_MISSING,
                    CHECKSUM_MISMATCH, EXPIRED, NOT_YET_VALID, SIGNATURE_MISSING, SIGNATURE_MALFORMED,
                    SIGNATURE_INVALID, ALGORITHM_UNKNOWN, KEY_UNTRUSTED, KEY_REVOKED, KEY_TOO_WEAK, KEY_INVALID,
                    WASM_INVALID, IMPORT_NOT_ALLOWED, ABI_MISMATCH, COMPILE_FAILED, INSUFFICIENT_MEMORY,
                    POLICY_REFUSED, OWNER_MISMATCH, DOWNGRADE, ARCHIVE_INVALID, ARTIFACT_UNAVAILABLE -> 422;
            case CANCELLED, INTERNAL -> 500;
        };
    }

    /** The problem detail of a platform failure. */
    public static Map<String, Object> of(PluginException e, String instance) {
        Map<String, Object> body = of(status(e.code()), e.code().name(), e.getMessage(), instance);
        if (e.pluginId() != null) {
            body.put("plugin_id", SafeText.escape(e.pluginId()));
        }
        if (e.pluginCode() != null) {
            body.put("plugin_code", SafeText.pluginCode(e.pluginCode()));
        }
        return body;
    }

    /** The problem detail of a failure of the call itself. */
    public static Map<String, Object> of(ApiException e, String instance) {
        return of(e.status(), e.code(), e.getMessage(), instance);
    }

    /**
     * @param detail the message; text a plugin or a file name controls may be in it, so it is escaped as the shell
     *        escapes it before printing
     */
    public static Map<String, Object> of(int status, String code, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + code);
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", SafeText.escape(detail == null ? code : detail));
        body.put("instance", instance);
        body.put("code", code);
        return body;
    }

    /** The reason phrase of a status: the same for every problem of a type, as RFC 9457 asks of a title. */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Internal Server Error";
        };
    }
}
