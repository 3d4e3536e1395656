package dev.fluent.plugin.host.cache.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.PluginStateHolder;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * CacheAccess: {@code cache_get} and {@code cache_put} on a namespace of the calling plugin's own, which no
 * other plugin can see. Each namespace is bounded in bytes and entries (least recently used entries go
 * first) and every value expires. One execution may write at most a namespace's worth of bytes: a plugin
 * that writes more in one go is flooding, and that execution fails with {@code LIMIT_EXCEEDED}.
 */
@Component(service = CapabilityProvider.class, configurationPid = CacheSettings.PID)
@Designate(ocd = CacheConfig.class, factory = false)
public final class CacheProvider implements CapabilityProvider, PluginStateHolder {

    /** Longest key accepted, in bytes. */
    static final int MAX_KEY_BYTES = 256;

    /** Per-execution counter of the bytes {@code cache_put} wrote. */
    static final String WRITTEN = "cache.bytes_written";

    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile CacheSettings settings;

    @Activate
    public CacheProvider(CacheConfig config) {
        this(CacheSettings.from(config), Clock.systemUTC());
    }

    CacheProvider(CacheSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Modified
    void modified(CacheConfig config) {
        settings = CacheSettings.from(config);
    }

    @Override
    public Capability capability() {
        return Capability.CACHE_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(
                StandardHostFunction.CACHE_GET.define(this::get),
                StandardHostFunction.CACHE_PUT.define(this::put));
    }

    /** A plugin's namespace, for tests and statistics; {@code null} when it never wrote. */
    Namespace namespace(String pluginId) {
        return namespaces.get(pluginId);
    }

    private long get(HostCall call, long[] args) {
        String key = key(call, "cache_get", args[0], args[1]);
        Namespace ns = namespaces.get(call.pluginId());
        byte[] value = ns == null ? null : ns.get(key, clock.millis());
        return value == null ? HostCall.NOT_FOUND : call.result(value);
    }

    private long put(HostCall call, long[] args) {
        CacheSettings limits = settings;
        String key = key(call, "cache_put", args[0], args[1]);
        long length = args[3] & 0xFFFF_FFFFL;
        if (length > limits.maxValueBytes()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.CACHE_PUT, key, "a cache value is at most "
                    + limits.maxValueBytes() + " bytes; this one is " + length + " (" + CacheSettings.MAX_VALUE
                    + " in etc/" + CacheSettings.PID + ".cfg)");
        }
        long written = call.count(WRITTEN, Namespace.cost(key, new byte[0]) + length);
        if (written > limits.maxBytesPerPlugin()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.CACHE_PUT, key, "cache flood: this execution wrote "
                    + written + " bytes to the cache, more than the whole cache of " + limits.maxBytesPerPlugin()
                    + " bytes a plugin may hold (" + CacheSettings.MAX_BYTES + ")");
        }
        byte[] value = call.read(args[2], length);
        long ttl = args[4] & 0xFFFF_FFFFL;
        long seconds = ttl == 0 ? limits.defaultTtlSeconds() : Math.min(ttl, limits.maxTtlSeconds());
        long now = clock.millis();
        namespaces.computeIfAbsent(call.pluginId(), id -> new Namespace())
                .put(key, value, now + seconds * 1000, limits, now);
        return 0;
    }

    private static String key(HostCall call, String function, long ptr, long len) {
        long length = len & 0xFFFF_FFFFL;
        if (length == 0 || length > MAX_KEY_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": a key is 1 to " + MAX_KEY_BYTES
                    + " bytes, got " + length);
        }
        return call.readString(ptr, length);
    }

    /** The id changed owner: its entries are the previous owner's and go. */
    @Override
    public void forget(String pluginId) {
        namespaces.remove(pluginId);
    }
}
