package dev.fluent.plugin.host.network.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client's limits, from configuration PID {@value #PID} ({@link NetworkConfig}). Every wait is also
 * cut to the time the execution has left.
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

    private static final Logger LOG = LoggerFactory.getLogger(NetworkSettings.class);

    /** The configured limits, each brought within the bounds {@link NetworkConfig} declares. */
    static NetworkSettings from(NetworkConfig config) {
        long response = orDefault(config::max__response__bytes, MAX_RESPONSE, DEFAULTS.maxResponseBytes);
        long requestBody = orDefault(config::max__request__body__bytes, MAX_REQUEST_BODY,
                DEFAULTS.maxRequestBodyBytes);
        long connect = orDefault(config::connect__timeout__ms, CONNECT_TIMEOUT, DEFAULTS.connectTimeoutMs);
        long request = orDefault(config::request__timeout__ms, REQUEST_TIMEOUT, DEFAULTS.requestTimeoutMs);
        long redirects = orDefault(config::max__redirects, MAX_REDIRECTS, DEFAULTS.maxRedirects);
        return new NetworkSettings(
                (int) Math.max(1, Math.min(MAX_BODY, response)),
                (int) Math.max(0, Math.min(MAX_BODY, requestBody)),
                Math.max(1, Math.min(600_000, connect)),
                Math.max(1, Math.min(3_600_000, request)),
                (int) Math.max(0, Math.min(20, redirects)));
    }

    /**
     * A configured value, or the default when it is not a whole number: Declarative Services converts a value
     * only when it is read, and a typo in the file must not take the capability away.
     */
    private static long orDefault(LongSupplier configured, String key, long fallback) {
        try {
            return configured.getAsLong();
        } catch (RuntimeException notANumber) {
            LOG.warn("{} in etc/{}.cfg is not a whole number ({}); using {} until it is", key, PID,
                    notANumber.getMessage(), fallback);
            return fallback;
        }
    }
}
