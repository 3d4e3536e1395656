package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * LoggingAccess into a sink of its own instead of the container's log: {@link #lines()} holds the first
 * {@value #MAX_LINES} lines, each cut at {@value #MAX_LINE_CHARS} characters.
 */
public final class FakeLogging implements CapabilityProvider {

    public static final int MAX_LINES = 1000;
    public static final int MAX_LINE_CHARS = 1000;
    private static final String[] LEVELS = {"trace", "debug", "info", "warn", "error"};

    private final List<String> lines = new ArrayList<>();
    private final FakeCallLog log;

    public FakeLogging(FakeCallLog log) {
        this.log = log;
    }

    @Override
    public Capability capability() {
        return Capability.LOGGING_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.LOG.define(this::log));
    }

    /** The lines logged, as {@code level text}. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private long log(HostCall call, long[] args) {
        int level = (int) args[0];
        if (level < 0 || level >= LEVELS.length) {
            throw log.refused(capability(), AuditActions.LOG, "level " + level, new HostCallException(
                    ErrorCode.BAD_HOST_CALL, "log: level " + level + " is not 0 (trace) to 4 (error)"));
        }
        String text = call.readString(args[1], args[2]);
        synchronized (lines) {
            if (lines.size() < MAX_LINES) {
                lines.add(LEVELS[level] + " " + (text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) : text));
            }
        }
        log.add(capability(), AuditActions.LOG, LEVELS[level] + ", " + text.length() + " characters", FakeCall.ANSWERED);
        return 0;
    }
}
