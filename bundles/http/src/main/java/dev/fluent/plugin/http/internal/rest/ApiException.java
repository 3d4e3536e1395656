package dev.fluent.plugin.http.internal.rest;

import java.util.Map;

/**
 * A problem of the HTTP call itself rather than of a plugin (no such route, a body that does not parse, a missing
 * role …): answered as a problem detail with this status and code.
 */
public final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    public ApiException(int status, String code, String detail, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "BAD_REQUEST", detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Headers the answer carries (Allow, WWW-Authenticate …). */
    public Map<String, String> headers() {
        return headers;
    }
}
