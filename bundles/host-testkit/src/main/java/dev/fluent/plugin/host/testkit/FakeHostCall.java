package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link HostCall} over a plain byte array, for unit tests of capability providers: it checks pointers
 * the way the runtime does, hands results out through a bump allocator, and records audit entries and
 * denials so tests can assert on them. One instance plays one execution.
 */
public final class FakeHostCall implements HostCall {

    /** One audit entry: a use ({@code success}) or a denial. */
    public record Audited(String action, String resource, boolean success, String error, Map<String, String> details) {
    }

    private final byte[] memory;
    private final Grant grant;
    private final List<Audited> audited = new ArrayList<>();
    private final Map<String, Long> counters = new HashMap<>();
    private int next = 8;
    private Duration remaining = Duration.ofSeconds(30);
    private String lastError;

    public FakeHostCall(Grant grant, int memoryBytes) {
        this.grant = grant;
        this.memory = new byte[memoryBytes];
    }

    /** A grant of these capabilities with {@code permissions}, data folder {@code dataFolder}, no roots. */
    public static Grant grant(String pluginId, Permissions permissions, Path dataFolder, Capability... capabilities) {
        return new Grant(pluginId, Set.of(capabilities), permissions, List.of(), dataFolder, false, false);
    }

    public static Permissions permissions(int maxNetworkRequests, List<String> hosts, List<String> paths, int maxFileSizeMb) {
        return new Permissions(64, 30_000, maxNetworkRequests, hosts, paths, maxFileSizeMb, 60);
    }

    public FakeHostCall remaining(Duration value) {
        remaining = value;
        return this;
    }

    /** Copies bytes into memory and returns their pointer. */
    public long put(byte[] bytes) {
        int ptr = allocate(bytes.length);
        System.arraycopy(bytes, 0, memory, ptr, bytes.length);
        return ptr;
    }

    public long put(String text) {
        return put(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Calls a function with a guest string for each {@code (ptr, len)} pair, then the extra arguments. */
    public long call(HostFunctionDefinition function, long... args) {
        return function.handler().apply(this, args);
    }

    /** The arguments {@code (ptr, len)} of a string put into memory. */
    public long[] string(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new long[] {put(bytes), bytes.length};
    }

    /** The bytes of a packed result. */
    public byte[] resultBytes(long packed) {
        if (packed <= 0) {
            throw new AssertionError("not a buffer result: " + packed + (lastError == null ? "" : " (" + lastError + ")"));
        }
        int ptr = (int) (packed & 0xFFFF_FFFFL);
        int len = (int) (packed >>> 32);
        return Arrays.copyOfRange(memory, ptr, ptr + len);
    }

    public String resultString(long packed) {
        return new String(resultBytes(packed), StandardCharsets.UTF_8);
    }

    public List<Audited> audited() {
        return List.copyOf(audited);
    }

    public List<Audited> denials() {
        return audited.stream().filter(a -> !a.success()).toList();
    }

    public String lastError() {
        return lastError;
    }

    public int memorySize() {
        return memory.length;
    }

    private int allocate(int size) {
        if (next + size > memory.length) {
            throw new IllegalStateException("fake memory full");
        }
        int ptr = next;
        next = (next + size + 7) & ~7;
        return ptr;
    }

    @Override
    public void check(long ptr, long len) {
        long p = ptr & 0xFFFF_FFFFL;
        long l = len & 0xFFFF_FFFFL;
        if (p + l > memory.length) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, String.format(
                    "range 0x%x + %d bytes lies outside the plugin's memory of %d bytes", p, l, memory.length));
        }
    }

    @Override
    public String pluginId() {
        return grant.pluginId();
    }

    @Override
    public String requestId() {
        return "test-1";
    }

    @Override
    public Grant grant() {
        return grant;
    }

    @Override
    public Duration remainingTime() {
        return remaining;
    }

    @Override
    public byte[] read(long ptr, long len) {
        check(ptr, len);
        if ((len & 0xFFFF_FFFFL) > MAX_TRANSFER_BYTES) {
            throw new HostCallException(ErrorCode.LIMIT_EXCEEDED, len + " bytes in one host call");
        }
        int p = (int) (ptr & 0xFFFF_FFFFL);
        return Arrays.copyOfRange(memory, p, p + (int) (len & 0xFFFF_FFFFL));
    }

    @Override
    public String readString(long ptr, long len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(read(ptr, len)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "not UTF-8");
        }
    }

    @Override
    public void write(long ptr, byte[] bytes) {
        check(ptr, bytes.length);
        System.arraycopy(bytes, 0, memory, (int) ptr, bytes.length);
    }

    @Override
    public long result(byte[] bytes) {
        if (bytes.length == 0) {
            return 0;
        }
        if (bytes.length > MAX_TRANSFER_BYTES) {
            throw new HostCallException(ErrorCode.LIMIT_EXCEEDED, bytes.length + " bytes in one host call");
        }
        long ptr = put(bytes);
        return ((long) bytes.length << 32) | ptr;
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
        audited.add(new Audited(action, resource, true, null, Map.copyOf(details)));
    }

    @Override
    public HostCallException deny(ErrorCode code, String action, String resource, String message) {
        audited.add(new Audited(action, resource, false, code + ": " + message, Map.of("code", code.name())));
        return new HostCallException(code, message);
    }

    /** A little-endian u32 at the start of bytes (the head length of an http_request result). */
    public static int u32(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
