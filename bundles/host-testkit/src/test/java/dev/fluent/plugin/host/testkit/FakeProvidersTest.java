package dev.fluent.plugin.host.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeProvidersTest {

    private final FakeProviders fakes = FakeProviders.create(100);

    @AfterEach
    void close() {
        fakes.close();
    }

    @Test
    void servesEveryStandardCapability() {
        assertEquals(Arrays.stream(Capability.values()).collect(java.util.stream.Collectors.toSet()), fakes.capabilities());
    }

    @Test
    void answersAnAllowedRequestWithAFixedAnswerAndRecordsIt() {
        FakeHostCall call = call(List.of("http://127.0.0.1:9"), List.of(), 2, Capability.NETWORK_ACCESS);
        long packed = call.call(function("http_request"), args(call, "{\"method\":\"post\",\"url\":\"http://127.0.0.1:9/steal\"}",
                "secret"));
        byte[] answer = call.resultBytes(packed);
        int headLength = FakeHostCall.u32(answer);
        String head = new String(answer, 4, headLength, StandardCharsets.UTF_8);
        assertTrue(head.contains("\"status\":200"), head);
        assertEquals(FakeNetwork.ANSWER_BODY, new String(answer, 4 + headLength, answer.length - 4 - headLength,
                StandardCharsets.UTF_8));
        assertEquals(List.of(new FakeCall(Capability.NETWORK_ACCESS, "http_request", "POST http://127.0.0.1:9/steal",
                FakeCall.ANSWERED)), fakes.calls());
    }

    @Test
    void refusesAHostOutsideAllowedHostsAndRequestsBeyondTheLimit() {
        FakeHostCall call = call(List.of("api.example.com"), List.of(), 1, Capability.NETWORK_ACCESS);
        HostCallException denied = assertThrows(HostCallException.class, () -> call.call(function("http_request"),
                args(call, "{\"url\":\"https://evil.example.net/\"}", "")));
        assertEquals(ErrorCode.ACCESS_DENIED, denied.code());
        call.call(function("http_request"), args(call, "{\"url\":\"https://api.example.com/v1\"}", ""));
        HostCallException limited = assertThrows(HostCallException.class, () -> call.call(function("http_request"),
                args(call, "{\"url\":\"https://api.example.com/v1\"}", "")));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, limited.code());
        assertEquals(List.of("ACCESS_DENIED", "answered", "LIMIT_EXCEEDED"),
                fakes.calls().stream().map(FakeCall::outcome).toList());
        assertEquals(2, call.denials().size());
    }

    @Test
    void configurationAndEnvironmentAnswerFakeValuesNeverTheRealOnes() {
        FakeHostCall call = call(List.of(), List.of(), 0, Capability.CONFIGURATION_ACCESS,
                Capability.ENVIRONMENT_ACCESS);
        assertEquals("fake-config-api_key", call.resultString(call.call(function("config_get"), call.string("api_key"))));
        String path = call.resultString(call.call(function("env_get"), call.string("PATH")));
        assertEquals("fake-env-PATH", path);
        assertFalse(path.equals(System.getenv("PATH")));
        assertEquals(List.of("api_key", "PATH"), fakes.calls().stream().map(FakeCall::argument).toList());
    }

    @Test
    void filesLiveInTheTemporaryFolderOnlyAndGoWithIt() throws Exception {
        FakeHostCall call = call(List.of(), List.of("out", "/etc"), 0, Capability.FILE_SYSTEM_READ,
                Capability.FILE_SYSTEM_WRITE);
        long[] path = call.string("out/a.txt");
        long[] data = call.string("hello");
        assertEquals(0, call.call(function("fs_write"), path[0], path[1], data[0], data[1], 0));
        assertEquals("hello", call.resultString(call.call(function("fs_read"), call.string("out/a.txt"))));
        assertTrue(Files.isRegularFile(fakes.folder().resolve("data/out/a.txt")));
        // An absolute path the manifest allows is served from the folder, never from the machine's /etc.
        assertEquals(HostCall.NOT_FOUND, call.call(function("fs_read"), call.string("/etc/hostname")));
        HostCallException escape = assertThrows(HostCallException.class,
                () -> call.call(function("fs_read"), call.string("out/../../secret")));
        assertEquals(ErrorCode.ACCESS_DENIED, escape.code());
        Path folder = fakes.folder();
        fakes.close();
        assertFalse(Files.exists(folder));
    }

    @Test
    void cacheLogAndMetricsStayInTheirSinks() {
        FakeHostCall call = call(List.of(), List.of(), 0, Capability.CACHE_ACCESS, Capability.LOGGING_ACCESS,
                Capability.METRICS_ACCESS);
        long[] key = call.string("k");
        long[] value = call.string("v");
        assertEquals(HostCall.NOT_FOUND, call.call(function("cache_get"), key));
        call.call(function("cache_put"), key[0], key[1], value[0], value[1], 60);
        assertEquals("v", call.resultString(call.call(function("cache_get"), key)));
        long[] line = call.string("started");
        call.call(function("log"), 2, line[0], line[1]);
        long[] name = call.string("requests");
        call.call(function("metric"), 0, name[0], name[1], 2);
        call.call(function("metric"), 0, name[0], name[1], 3);
        assertEquals(List.of("info started"), fakes.logging().lines());
        assertEquals(5L, fakes.metrics().values().get("counter requests"));
        assertEquals(List.of("cache_get", "cache_put", "cache_get", "log", "metric", "metric"),
                fakes.calls().stream().map(FakeCall::function).toList());
    }

    @Test
    void keepsAtMostTheGivenNumberOfCalls() {
        try (FakeProviders few = FakeProviders.create(2)) {
            FakeHostCall call = call(List.of(), List.of(), 0, Capability.CACHE_ACCESS);
            HostFunctionDefinition get = few.providers().stream().filter(p -> p.capability() == Capability.CACHE_ACCESS)
                    .findFirst().orElseThrow().functions().get(0);
            LongStream.range(0, 5).forEach(i -> call.call(get, call.string("k" + i)));
            assertEquals(2, few.calls().size());
            assertEquals(3, few.droppedCalls());
        }
    }

    private FakeHostCall call(List<String> hosts, List<String> paths, int requests, Capability... capabilities) {
        Grant grant = FakeHostCall.grant("p", FakeHostCall.permissions(requests, hosts, paths, 1), fakes.folder(),
                capabilities);
        return new FakeHostCall(grant, 1 << 20);
    }

    private HostFunctionDefinition function(String name) {
        return fakes.providers().stream().map(CapabilityProvider::functions).flatMap(List::stream)
                .filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code (head_ptr, head_len, body_ptr, body_len)}. */
    private static long[] args(FakeHostCall call, String head, String body) {
        long[] h = call.string(head);
        long[] b = call.string(body);
        return new long[] {h[0], h[1], b[0], b[1]};
    }
}
