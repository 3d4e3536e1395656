package dev.fluent.plugin.runtime.internal.execute;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.Faults;
import dev.fluent.plugin.runtime.internal.abi.GuestMemory;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders.Served;
import dev.fluent.plugin.runtime.internal.host.GuestCalls;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution of a plugin: who it is for, what the guest may call under its grant, and its figures.
 * Created per request (or for the start of an instance, without a grant), served to the instance's host
 * functions as their {@link GuestCalls}, read by the statistics and the audit entry afterwards. Used by
 * one thread.
 */
public final class Execution implements GuestCalls {

    /** Audit entries for grant uses one execution writes; the rest are counted in the execute entry. */
    public static final int MAX_AUDITED_USES = 32;
    /** The request id of the load's warm-up executions (load.WarmUp), which run without a grant. */
    public static final String WARM_UP_REQUEST_ID = "warm-up";
    /** Longest message {@code last_error} returns. */
    public static final int MAX_ERROR_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

    private final String pluginId;
    private final String requestId;
    private final GuestOutput pluginLog;
    private int logBudget = LOG_BUDGET_BYTES;
    private boolean logTruncated;
    private int outputDropped;
    // Figures of this execution, for the plugin's statistics.
    private long bytesIn;
    private long bytesOut;
    private long memoryBytes;
    private int networkRequests;
    // The capability side, set by admit(): null while an instance starts (no host calls then).
    private Grant grant;
    private Map<String, Served> definitions;
    // Made at the first host call (invoke): a compute-only plugin's executions make none.
    /** Calls per capability in this execution, against the limit its provider declares. */
    private Map<String, Integer> callsPerCapability;
    private Auditor auditor;
    private long deadlineNanos;
    private Map<String, Long> counters;
    private Map<String, Integer> calls;
    private int auditedUses;
    private int suppressedUses;
    private String lastError;

    /**
     * @param pluginLog where the guest's stdout/stderr goes, or {@code null} to drop it (the plugin was
     *        not granted LoggingAccess)
     */
    public Execution(String pluginId, String requestId, GuestOutput pluginLog) {
        this.pluginId = pluginId;
        this.requestId = requestId;
        this.pluginLog = pluginLog;
    }

    /**
     * Lets the guest call host functions: those of {@code definitions}, under {@code grant}, until
     * {@code deadlineNanos}.
     */
    void admit(Grant grant, Map<String, Served> definitions, Auditor auditor, long deadlineNanos) {
        this.grant = grant;
        this.definitions = definitions;
        this.auditor = auditor;
        this.deadlineNanos = deadlineNanos;
    }

    public String pluginId() {
        return pluginId;
    }

    public String requestId() {
        return requestId;
    }

    @Override
    public void guestOutput(int fd, byte[] bytes) {
        if (pluginLog == null || bytes.length == 0) {
            return;
        }
        if (logBudget <= 0) {
            outputDropped++;
            if (!logTruncated) {
                logTruncated = true;
                LOG.warn("Plugin {} [{}]: output beyond {} bytes in one execution dropped", pluginId, requestId,
                        LOG_BUDGET_BYTES);
            }
            return;
        }
        int n = Math.min(bytes.length, logBudget);
        logBudget -= n;
        if (!pluginLog.write(requestId, fd, bytes, n)) {
            outputDropped++;
        }
    }

    void countBytes(long in, long out) {
        bytesIn += in;
        bytesOut += out;
    }

    void memoryUsed(long bytes) {
        memoryBytes = Math.max(memoryBytes, bytes);
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    int networkRequests() {
        return networkRequests;
    }

    /** The execute audit entry's details: its duration, how often each host function was called, uses not audited. */
    Map<String, String> auditDetails(long tookNanos) {
        String duration = Long.toString(tookNanos / 1000);
        if (calls == null && outputDropped == 0) {
            return Map.of("duration_us", duration);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("duration_us", duration);
        if (calls != null) {
            details.put("host_calls", calls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(",")));
        }
        if (suppressedUses > 0) {
            details.put("uses_not_audited", Integer.toString(suppressedUses));
        }
        if (outputDropped > 0) {
            details.put("output_dropped", Integer.toString(outputDropped));
        }
        return details;
    }

    @Override
    public long invoke(String name, Instance instance, long[] args) {
        if (grant == null) {
            throw new HostCallException(ErrorCode.CAPABILITY_UNAVAILABLE, qualified(name) + (WARM_UP_REQUEST_ID
                    .equals(requestId) ? " was called during the load's warm-up, which grants no capability"
                    : " was called outside an execution (while the module started); host functions are available"
                    + " only during execute_request"));
        }
        if (calls == null) {
            // The books of host calls, made at the first: a compute-only plugin's executions make none.
            calls = new TreeMap<>();
            callsPerCapability = new HashMap<>();
            counters = new HashMap<>();
        }
        calls.merge(name, 1, Integer::sum);
        if (name.equals(StandardHostFunction.LAST_ERROR.functionName())) {
            String message = lastError;
            byte[] bytes = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
            return bytes == null ? 0 : new Call(instance, name).result(bytes.length <= MAX_ERROR_BYTES ? bytes
                    : new String(bytes, 0, MAX_ERROR_BYTES, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
        Served served = definitions.get(name);
        if (served == null || served.definition() == null) {
            throw refusal(name, served);
        }
        Call call = new Call(instance, name);
        // Counted only for a provider that declares a limit: the standard ones do not, and most calls are theirs.
        if (served.maxCalls() < Integer.MAX_VALUE
                && callsPerCapability.merge(served.capability(), 1, Integer::sum) > served.maxCalls()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, name, served.capability(), "plugin " + pluginId + " called "
                    + served.capability() + " more than the " + served.maxCalls() + " times per execution its"
                    + " provider allows");
        }
        try {
            long result = served.definition().handler().apply(call, args);
            if (name.indexOf('.') >= 0) {
                // A third party's function: the runtime audits each use itself, so that no provider can
                // leave its uses out of the log.
                call.audit(name, served.capability(), Map.of());
            }
            return result;
        } catch (HostCallException e) {
            throw e; // ends this execution with the provider's code and message (Faults translates it)
        } catch (GuestFailure e) {
            throw e.guest;
        } catch (RuntimeException e) {
            LOG.error("The host function fluent.{} failed for plugin {}", name, pluginId, e);
            throw new HostCallException(ErrorCode.INTERNAL, "the host function fluent." + name + " failed: " + e);
        }
    }

    /**
     * Why a function of the plugin's imports has no definition now.
     *
     * @param served the function's entry when its capability is not granted, else {@code null}
     */
    private HostCallException refusal(String name, Served served) {
        String capability = served != null ? served.capability()
                : StandardHostFunction.named(name).flatMap(StandardHostFunction::capability)
                        .map(c -> c.manifestName()).orElse(null);
        String function = qualified(name);
        if (capability != null && !grant.allows(capability)) {
            String message = function + " needs " + capability + ", which the operator's policy no longer"
                    + " grants plugin " + pluginId;
            auditor.failure(pluginId, name, capability,
                    new PluginException(ErrorCode.CAPABILITY_NOT_GRANTED, pluginId, message),
                    Map.of("request_id", requestId));
            return new HostCallException(ErrorCode.CAPABILITY_NOT_GRANTED, message);
        }
        return new HostCallException(ErrorCode.CAPABILITY_UNAVAILABLE, (capability == null
                ? "the capability of " + function : "capability " + capability)
                + " unavailable: its provider stopped or does not define " + function);
    }

    /** A function's name as a module imports it: {@code fluent.log}, {@code com.example.sql.query}. */
    private static String qualified(String key) {
        return key.indexOf('.') >= 0 ? key : Abi.FLUENT_MODULE + "." + key;
    }

    /** An exception of the guest's own code (in its fluent_alloc), passed through unchanged. */
    private static final class GuestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final RuntimeException guest;

        GuestFailure(RuntimeException guest) {
            super(null, null, false, false);
            this.guest = guest;
        }
    }

    /** The {@link HostCall} a handler sees: this execution, seen from one call on one instance. */
    private final class Call implements HostCall {

        private final Instance instance;
        private final String name;

        Call(Instance instance, String name) {
            this.instance = instance;
            this.name = name;
        }

        private Memory memory() {
            return instance.memory();
        }

        private String function() {
            return qualified(name);
        }

        @Override
        public String pluginId() {
            return pluginId;
        }

        @Override
        public String requestId() {
            return requestId;
        }

        @Override
        public Grant grant() {
            return grant;
        }

        @Override
        public Duration remainingTime() {
            return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        }

        @Override
        public void check(long ptr, long len) {
            GuestMemory.check(memory(), function(), ptr, len);
        }

        @Override
        public byte[] read(long ptr, long len) {
            check(ptr, len);
            long length = len & 0xFFFF_FFFFL;
            if (length > MAX_TRANSFER_BYTES) {
                throw new HostCallException(ErrorCode.LIMIT_EXCEEDED, function() + ": a host call may pass at most "
                        + MAX_TRANSFER_BYTES + " bytes; this one passed " + length);
            }
            return memory().readBytes((int) ptr, (int) length);
        }

        @Override
        public String readString(long ptr, long len) {
            byte[] bytes = read(ptr, len);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new HostCallException(ErrorCode.BAD_HOST_CALL, function() + ": the text passed is not UTF-8");
            }
        }

        @Override
        public void write(long ptr, byte[] bytes) {
            check(ptr, bytes.length);
            memory().write((int) ptr, bytes);
        }

        @Override
        public long result(byte[] bytes) {
            if (bytes.length == 0) {
                return 0;
            }
            if (bytes.length > MAX_TRANSFER_BYTES) {
                throw new HostCallException(ErrorCode.LIMIT_EXCEEDED, function() + ": a host call may return at most "
                        + MAX_TRANSFER_BYTES + " bytes; this one would return " + bytes.length);
            }
            long ptr;
            try {
                ptr = instance.export(Abi.EXPORT_ALLOC).apply(bytes.length)[0] & 0xFFFF_FFFFL;
            } catch (RuntimeException guest) {
                throw new GuestFailure(guest);
            }
            if (ptr == 0) {
                throw new HostCallException(ErrorCode.MEMORY_LIMIT, function() + ": fluent_alloc(" + bytes.length
                        + ") returned 0: no room for the result within max_memory_mb");
            }
            long size = GuestMemory.size(memory());
            if (ptr + bytes.length > size) {
                throw new HostCallException(ErrorCode.BAD_HOST_CALL, String.format("%s: fluent_alloc(%d) returned 0x%x,"
                        + " outside the plugin's memory of %d bytes", function(), bytes.length, ptr, size));
            }
            memory().write((int) ptr, bytes);
            return ((long) bytes.length << 32) | ptr;
        }

        @Override
        public long failed(String message) {
            lastError = message;
            return FAILED;
        }

        @Override
        public long count(String counter, long delta) {
            if (NETWORK_REQUESTS.equals(counter) && delta > 0) {
                networkRequests += (int) Math.min(delta, Integer.MAX_VALUE - networkRequests);
            }
            return counters.merge(counter, delta, Long::sum);
        }

        @Override
        public void audit(String action, String resource, Map<String, String> details) {
            if (auditedUses >= MAX_AUDITED_USES) {
                suppressedUses++;
                return;
            }
            auditedUses++;
            Map<String, String> all = new LinkedHashMap<>(details);
            all.put("request_id", requestId());
            auditor.success(pluginId(), action, resource, all);
        }

        @Override
        public HostCallException deny(ErrorCode code, String action, String resource, String message) {
            if (auditedUses < MAX_AUDITED_USES) {
                auditedUses++;
                auditor.failure(pluginId(), action, resource, new PluginException(code, pluginId(), message),
                        Map.of("request_id", requestId()));
            } else {
                suppressedUses++;
            }
            return new HostCallException(code, message);
        }
    }
}
