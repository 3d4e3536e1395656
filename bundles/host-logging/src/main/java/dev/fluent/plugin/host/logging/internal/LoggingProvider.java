package dev.fluent.plugin.host.logging.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.PluginStateHolder;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoggingAccess: {@code log(level, ptr, len)} writes one line to the container's log under logger
 * {@code dev.fluent.plugin.guest.<plugin-id>}, prefixed with the request id. Control characters are escaped,
 * so a plugin cannot forge log lines. Each plugin may log {@code lines_per_minute} (a token bucket); lines
 * beyond are dropped and the drop is audited once per execution. An execution that calls {@code log} more
 * than {@code max_calls_per_execution} times is flooding and fails with {@code LIMIT_EXCEEDED}.
 */
@Component(service = CapabilityProvider.class, configurationPid = LoggingSettings.PID)
@Designate(ocd = LoggingConfig.class, factory = false)
public final class LoggingProvider implements CapabilityProvider, PluginStateHolder {

    /** Prefix of the loggers plugins write to; the runtime sends a plugin's stdout/stderr there too. */
    static final String LOGGER_PREFIX = "dev.fluent.plugin.guest.";

    static final String CALLS = "log.calls";
    static final String DROPPED = "log.dropped";

    /**
     * What a plugin's log line goes to: the container's log, or (a local run of the command line) the author's
     * terminal; a seam for tests.
     */
    public interface Sink {
        void log(String pluginId, int level, String requestId, String line);
    }

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Sink sink;
    private final LongSupplier nanoTime;
    private volatile LoggingSettings settings;

    @Activate
    public LoggingProvider(LoggingConfig config) {
        this(LoggingSettings.from(config), LoggingProvider::toSlf4j, System::nanoTime);
    }

    /** Lines go to {@code sink} instead of the container's log, with the same limits and escaping. */
    public LoggingProvider(LoggingConfig config, Sink sink) {
        this(LoggingSettings.from(config), sink, System::nanoTime);
    }

    LoggingProvider(LoggingSettings settings, Sink sink, LongSupplier nanoTime) {
        this.settings = settings;
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    @Modified
    void modified(LoggingConfig config) {
        settings = LoggingSettings.from(config);
        buckets.clear();
    }

    @Override
    public Capability capability() {
        return Capability.LOGGING_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.LOG.define(this::log));
    }

    private long log(HostCall call, long[] args) {
        LoggingSettings limits = settings;
        int level = (int) args[0];
        if (level < 0 || level > 4) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "log: level " + level
                    + " is not 0 (trace), 1 (debug), 2 (info), 3 (warn) or 4 (error)");
        }
        long length = args[2] & 0xFFFF_FFFFL;
        call.check(args[1], length);
        long calls = call.count(CALLS, 1);
        if (calls > limits.maxCallsPerExecution()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.LOG, null, "log flood: more than "
                    + limits.maxCallsPerExecution() + " log calls in one execution (" + LoggingSettings.MAX_CALLS
                    + " in etc/" + LoggingSettings.PID + ".cfg)");
        }
        TokenBucket bucket = buckets.computeIfAbsent(call.pluginId(),
                id -> new TokenBucket(limits.linesPerMinute(), nanoTime.getAsLong()));
        if (!bucket.tryTake(nanoTime.getAsLong())) {
            if (call.count(DROPPED, 1) == 1) {
                call.deny(ErrorCode.RATE_LIMITED, AuditActions.LOG, null, "log lines beyond " + bucket.perMinute()
                        + " per minute are dropped (" + LoggingSettings.LINES_PER_MINUTE + ")");
                sink.log(call.pluginId(), 3, call.requestId(), "log lines beyond " + bucket.perMinute()
                        + " per minute are dropped");
            }
            return 0;
        }
        boolean cut = length > limits.maxLineBytes();
        byte[] bytes = call.read(args[1], Math.min(length, limits.maxLineBytes()));
        String line = escape(new String(bytes, StandardCharsets.UTF_8));
        sink.log(call.pluginId(), level, call.requestId(), cut ? line + " [cut at " + limits.maxLineBytes() + " bytes]" : line);
        return 0;
    }

    /** The line with control characters escaped: one log call is exactly one log line. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || c == 0x7F || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (control) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static void toSlf4j(String pluginId, int level, String requestId, String line) {
        Logger log = LoggerFactory.getLogger(LOGGER_PREFIX + pluginId);
        switch (level) {
            case 0 -> log.trace("[{}] {}", requestId, line);
            case 1 -> log.debug("[{}] {}", requestId, line);
            case 2 -> log.info("[{}] {}", requestId, line);
            case 3 -> log.warn("[{}] {}", requestId, line);
            default -> log.error("[{}] {}", requestId, line);
        }
    }

    /** The id changed owner: its log allowance starts afresh. */
    @Override
    public void forget(String pluginId) {
        buckets.remove(pluginId);
    }
}
