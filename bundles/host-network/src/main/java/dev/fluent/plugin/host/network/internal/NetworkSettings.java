package dev.fluent.plugin.host.network.internal;

import java.util.Map;

/**
 * The HTTP client's limits, from configuration PID {@value #PID}. Every wait is also cut to the time the
 * execution has left.
 *
 * @param maxResponseBytes largest response body ({@value #MAX_RESPONSE}); a larger one fails the execution
 * @param maxRequestBodyBytes largest request body ({@value #MAX_REQUEST_BODY})
 * @param connectTimeoutMs longest wait for a connection ({@value #CONNECT_TIMEOUT})
 * @param requestTimeoutMs longest wait for one whole exchange, redirects excluded ({@value #REQUEST_TIMEOUT})
 * @param maxRedirects redirects followed per request, each checked like the request ({@value #MAX_REDIRECTS})
 */
record NetworkSettings(int maxResponseBytes, int maxRequestBodyBytes, long connectTimeoutMs, long requestTimeoutMs,
        int maxRedirects) {

    static final String PID = "dev.fluent.plugin.host.network";
    static final String MAX_RESPONSE = "max_response_bytes";
    static final String MAX_REQUEST_BODY = "max_request_body_bytes";
    static final String CONNECT_TIMEOUT = "connect_timeout_ms";
    static final String REQUEST_TIMEOUT = "request_timeout_ms";
    static final String MAX_REDIRECTS = "max_redirects";

    /** Hard ceiling of either body: the ABI's 16 MiB. */
    static final int MAX_BODY = 16 * 1024 * 1024;

    static final NetworkSettings DEFAULTS = new NetworkSettings(4 * 1024 * 1024, 4 * 1024 * 1024, 10_000, 30_000, 5);

    static NetworkSettings from(Map<String, ?> properties) {
        return new NetworkSettings(
                (int) number(properties, MAX_RESPONSE, DEFAULTS.maxResponseBytes, 1, MAX_BODY),
                (int) number(properties, MAX_REQUEST_BODY, DEFAULTS.maxRequestBodyBytes, 0, MAX_BODY),
                number(properties, CONNECT_TIMEOUT, DEFAULTS.connectTimeoutMs, 1, 600_000),
                number(properties, REQUEST_TIMEOUT, DEFAULTS.requestTimeoutMs, 1, 3_600_000),
                (int) number(properties, MAX_REDIRECTS, DEFAULTS.maxRedirects, 0, 20));
    }

    private static long number(Map<String, ?> properties, String key, long fallback, long min, long max) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Long.parseLong(String.valueOf(value).trim())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
