package dev.fluent.plugin.host.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.host.testkit.FakeHostCall;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CacheProviderTest {

    private final MutableClock clock = new MutableClock();
    private final CacheSettings settings = new CacheSettings(8 * 1024, 100, 2048, 60, 600);
    private final CacheProvider provider = new CacheProvider(settings, clock);
    private final HostFunctionDefinition get = provider.functions().get(0);
    private final HostFunctionDefinition put = provider.functions().get(1);

    private FakeHostCall call(String plugin) {
        return new FakeHostCall(FakeHostCall.grant(plugin, Permissions.DEFAULTS, Path.of("data"),
                Capability.CACHE_ACCESS), 64 * 1024);
    }

    private long put(FakeHostCall call, String key, String value, int ttl) {
        long[] k = call.string(key);
        long[] v = call.string(value);
        return call.call(put, k[0], k[1], v[0], v[1], ttl);
    }

    @Test
    void storesPerPluginAndExpires() {
        FakeHostCall a = call("a");
        assertEquals(0, put(a, "k", "one", 0));
        assertEquals("one", a.resultString(a.call(get, a.string("k"))));
        FakeHostCall b = call("b");
        assertEquals(HostCall.NOT_FOUND, b.call(get, b.string("k")), "namespaces are per plugin");
        clock.advance(Duration.ofSeconds(61));
        FakeHostCall later = call("a");
        assertEquals(HostCall.NOT_FOUND, later.call(get, later.string("k")), "default ttl is 60 s");
    }

    @Test
    void clipsTtlToTheMaximum() {
        FakeHostCall a = call("a");
        put(a, "k", "v", 1_000_000);
        clock.advance(Duration.ofSeconds(599));
        assertEquals("v", a.resultString(a.call(get, a.string("k"))));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(HostCall.NOT_FOUND, a.call(get, a.string("k")));
    }

    @Test
    void staysWithinItsBoundAcrossExecutions() {
        String value = "x".repeat(1000);
        for (int execution = 0; execution < 20; execution++) {
            FakeHostCall a = call("a");
            put(a, "key" + execution, value, 0);
            assertTrue(provider.namespace("a").bytes() <= settings.maxBytesPerPlugin());
        }
        FakeHostCall a = call("a");
        assertEquals(HostCall.NOT_FOUND, a.call(get, a.string("key0")), "the oldest entries were evicted");
        assertEquals(value, a.resultString(a.call(get, a.string("key19"))));
    }

    @Test
    void aFloodInOneExecutionFailsIt() {
        FakeHostCall a = call("a");
        String value = "x".repeat(1000);
        HostCallException e = assertThrows(HostCallException.class, () -> {
            for (int i = 0; i < 100; i++) {
                put(a, "k" + i, value, 0);
            }
        });
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().startsWith("cache flood"), e.getMessage());
        assertEquals(1, a.denials().size());
        assertTrue(provider.namespace("a").bytes() <= settings.maxBytesPerPlugin());
    }

    @Test
    void refusesOversizedValuesAndBadKeys() {
        FakeHostCall a = call("a");
        assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(HostCallException.class,
                () -> put(a, "k", "x".repeat(3000), 0)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> put(a, "", "v", 0)).code());
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> a.call(get, 65_500, 200)).code());
        long[] k = a.string("k");
        assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(HostCallException.class,
                () -> a.call(put, k[0], k[1], 0, 0x8000_0000L, 0)).code(), "a 2 GiB value");
        assertEquals(ErrorCode.BAD_HOST_CALL, assertThrows(HostCallException.class,
                () -> a.call(put, k[0], k[1], 0xFFFF_FF00L, 100, 0)).code());
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
