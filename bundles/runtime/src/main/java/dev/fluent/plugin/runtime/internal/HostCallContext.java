package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
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
 * The capability side of one execution: the plugin's grant, the host function definitions it may call
 * (fixed when the execution starts), its per-execution counters and the last failure message. Each call
 * from the guest gets a {@link HostCall} view bound to the calling instance. Used by one thread.
 */
final class HostCallContext {

    /** Audit entries for grant uses one execution writes; the rest are counted in the execute entry. */
    static final int MAX_AUDITED_USES = 32;
    /** Longest message {@code last_error} returns. */
    static final int MAX_ERROR_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(HostCallContext.class);

    private final ExecutionContext execution;
    private final Grant grant;
    private final Map<String, HostFunctionDefinition> definitions;
    private final Auditor auditor;
    private final long deadlineNanos;
    private final Map<String, Long> counters = new HashMap<>();
    private final Map<String, Integer> calls = new TreeMap<>();
    private int auditedUses;
    private int suppressedUses;
    private String lastError;

    HostCallContext(ExecutionContext execution, Grant grant, Map<String, HostFunctionDefinition> definitions,
            Auditor auditor, long deadlineNanos) {
        this.execution = execution;
        this.grant = grant;
        this.definitions = definitions;
        this.auditor = auditor;
        this.deadlineNanos = deadlineNanos;
    }

    Grant grant() {
        return grant;
    }

    /** What the execute audit entry adds: how often each host function was called, uses not audited. */
    Map<String, String> summary() {
        if (calls.isEmpty()) {
            return Map.of();
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("host_calls", calls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        if (suppressedUses > 0) {
            details.put("uses_not_audited", Integer.toString(suppressedUses));
        }
        return details;
    }

    /** One call of {@code fluent.<name>} by the guest. */
    long invoke(String name, Instance instance, long[] args) {
        calls.merge(name, 1, Integer::sum);
        if (name.equals(StandardHostFunction.LAST_ERROR.functionName())) {
            String message = lastError;
            return message == null ? 0 : new Call(instance, name).result(bounded(message));
        }
        HostFunctionDefinition definition = definitions.get(name);
        if (definition == null) {
            throw refusal(name);
        }
        try {
            return definition.handler().apply(new Call(instance, name), args);
        } catch (HostCallException e) {
            throw new HostFault(e.code(), e.getMessage());
        } catch (GuestFailure e) {
            throw e.guest;
        } catch (HostFault e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("The host function fluent.{} failed for plugin {}", name, execution.pluginId(), e);
            throw new HostFault(ErrorCode.INTERNAL, "the host function fluent." + name + " failed: " + e);
        }
    }

    /** Why a function of the plugin's imports has no definition now. */
    private HostFault refusal(String name) {
        Capability capability = StandardHostFunction.named(name).flatMap(StandardHostFunction::capability).orElse(null);
        if (capability != null && !grant.allows(capability)) {
            String message = "fluent." + name + " needs " + capability + ", which the operator's policy no longer"
                    + " grants plugin " + execution.pluginId();
            auditor.failure(execution.pluginId(), name, capability.manifestName(),
                    new PluginException(ErrorCode.CAPABILITY_NOT_GRANTED, execution.pluginId(), message),
                    Map.of("request_id", execution.requestId()));
            return new HostFault(ErrorCode.CAPABILITY_NOT_GRANTED, message);
        }
        return new HostFault(ErrorCode.CAPABILITY_UNAVAILABLE, "capability " + capability
                + " unavailable: its provider stopped (fluent." + name + ")");
    }

    private static byte[] bounded(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_ERROR_BYTES) {
            return bytes;
        }
        return new String(bytes, 0, MAX_ERROR_BYTES, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
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
            return "fluent." + name;
        }

        @Override
        public String pluginId() {
            return execution.pluginId();
        }

        @Override
        public String requestId() {
            return execution.requestId();
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
                throw new HostFault(ErrorCode.LIMIT_EXCEEDED, function() + ": a host call may pass at most "
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
                throw new HostFault(ErrorCode.BAD_HOST_CALL, function() + ": the text passed is not UTF-8");
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
                throw new HostFault(ErrorCode.LIMIT_EXCEEDED, function() + ": a host call may return at most "
                        + MAX_TRANSFER_BYTES + " bytes; this one would return " + bytes.length);
            }
            long ptr;
            try {
                ptr = instance.export(ModuleInspector.EXPORT_ALLOC).apply(bytes.length)[0] & 0xFFFF_FFFFL;
            } catch (RuntimeException guest) {
                throw new GuestFailure(guest);
            }
            if (ptr == 0) {
                throw new HostFault(ErrorCode.MEMORY_LIMIT, function() + ": fluent_alloc(" + bytes.length
                        + ") returned 0: no room for the result within max_memory_mb");
            }
            long size = GuestMemory.size(memory());
            if (ptr + bytes.length > size) {
                throw new HostFault(ErrorCode.BAD_HOST_CALL, String.format("%s: fluent_alloc(%d) returned 0x%x,"
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
            if (NETWORK_REQUESTS.equals(counter)) {
                for (long i = 0; i < delta; i++) {
                    execution.countNetworkRequest();
                }
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
