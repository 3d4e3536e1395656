package dev.fluent.example.sql.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One execution as the provider sees it, without the platform: a guest memory the test writes the statement
 * and parameters into, counters that live as long as this object, and what was answered, failed and denied.
 */
final class GuestCall implements HostCall {

    private final byte[] memory = new byte[1 << 20];
    private final Map<String, Long> counters = new HashMap<>();
    private int next = 16;
    final List<String> denials = new ArrayList<>();
    String lastError;
    byte[] lastResult;

    /** Writes text into memory and returns {@code {ptr, len}}. */
    long[] put(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, memory, next, bytes.length);
        long[] at = {next, bytes.length};
        next += bytes.length;
        return at;
    }

    /** The provider's {@code query} with this statement and parameters. */
    long query(SqlQueryProvider provider, String sql, String parameters) {
        long[] s = put(sql);
        long[] p = put(parameters);
        return provider.query(this, new long[] {s[0], s[1], p[0], p[1]});
    }

    String resultText() {
        return new String(lastResult, StandardCharsets.UTF_8);
    }

    @Override
    public String pluginId() {
        return "sql-test";
    }

    @Override
    public String requestId() {
        return "r-1";
    }

    @Override
    public Grant grant() {
        throw new UnsupportedOperationException("the provider does not read the grant");
    }

    @Override
    public Duration remainingTime() {
        return Duration.ofSeconds(30);
    }

    @Override
    public void check(long ptr, long len) {
        if (ptr < 0 || len < 0 || ptr + len > memory.length) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "outside memory");
        }
    }

    @Override
    public byte[] read(long ptr, long len) {
        check(ptr, len);
        byte[] out = new byte[(int) len];
        System.arraycopy(memory, (int) ptr, out, 0, (int) len);
        return out;
    }

    @Override
    public String readString(long ptr, long len) {
        return new String(read(ptr, len), StandardCharsets.UTF_8);
    }

    @Override
    public void write(long ptr, byte[] bytes) {
        check(ptr, bytes.length);
        System.arraycopy(bytes, 0, memory, (int) ptr, bytes.length);
    }

    @Override
    public long result(byte[] bytes) {
        lastResult = bytes;
        return bytes.length == 0 ? 0 : ((long) bytes.length << 32) | 1;
    }

    @Override
    public long failed(String message) {
        lastError = message;
        return FAILED;
    }

    @Override
    public long count(String counter, long delta) {
        return counters.merge(counter, delta, Long::sum);
    }

    @Override
    public void audit(String action, String resource, Map<String, String> details) {
    }

    @Override
    public HostCallException deny(ErrorCode code, String action, String resource, String message) {
        denials.add(code + " " + action + " " + resource);
        return new HostCallException(code, message);
    }
}
