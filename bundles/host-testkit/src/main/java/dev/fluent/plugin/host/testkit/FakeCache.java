package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CacheAccess in memory, for one plugin: {@code cache_put} keeps a value (time to live recorded, not applied:
 * a sandbox run is short), {@code cache_get} returns it. Bounded in entries and value size; a put beyond either
 * is refused with {@code LIMIT_EXCEEDED}, as the real cache refuses one beyond its quota.
 */
public final class FakeCache implements CapabilityProvider {

    public static final int MAX_ENTRIES = 1000;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    private final Map<String, byte[]> entries = new HashMap<>();
    private final FakeCallLog log;

    public FakeCache(FakeCallLog log) {
        this.log = log;
    }

    @Override
    public Capability capability() {
        return Capability.CACHE_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.CACHE_GET.define(this::get), StandardHostFunction.CACHE_PUT.define(this::put));
    }

    private long get(HostCall call, long[] args) {
        String key = Arguments.text(call, args[0], args[1], AuditActions.CACHE_GET, "key");
        byte[] value;
        synchronized (entries) {
            value = entries.get(key);
        }
        log.add(capability(), AuditActions.CACHE_GET, Arguments.shortened(key),
                value == null ? FakeCall.NOT_FOUND : FakeCall.ANSWERED);
        return value == null ? HostCall.NOT_FOUND : call.result(value);
    }

    private long put(HostCall call, long[] args) {
        String key = Arguments.text(call, args[0], args[1], AuditActions.CACHE_PUT, "key");
        String argument = Arguments.shortened(key) + " ttl " + (args[4] & 0xFFFF_FFFFL) + " s";
        if ((args[3] & 0xFFFF_FFFFL) > MAX_VALUE_BYTES) {
            throw log.refused(capability(), AuditActions.CACHE_PUT, argument, call.deny(ErrorCode.LIMIT_EXCEEDED,
                    AuditActions.CACHE_PUT, key, "a cached value is at most " + MAX_VALUE_BYTES + " bytes"));
        }
        byte[] value = call.read(args[2], args[3]);
        synchronized (entries) {
            if (entries.size() >= MAX_ENTRIES && !entries.containsKey(key)) {
                throw log.refused(capability(), AuditActions.CACHE_PUT, argument, call.deny(ErrorCode.LIMIT_EXCEEDED,
                        AuditActions.CACHE_PUT, key, "the cache holds at most " + MAX_ENTRIES + " entries"));
            }
            entries.put(key, value);
        }
        log.add(capability(), AuditActions.CACHE_PUT, argument, FakeCall.ANSWERED);
        return 0;
    }
}
