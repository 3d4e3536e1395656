package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.node;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static dev.fluent.plugin.manifest.internal.Manifests.withPermission;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PermissionsTest {

    /** field, smallest allowed, largest allowed, accessor. */
    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("max_memory_mb", 1L, 4096L, (Function<Permissions, Long>) p -> (long) p.maxMemoryMb()),
                Arguments.of("max_execution_time_ms", 1L, 3_600_000L,
                        (Function<Permissions, Long>) Permissions::maxExecutionTimeMs),
                Arguments.of("max_network_requests", 0L, 10_000L,
                        (Function<Permissions, Long>) p -> (long) p.maxNetworkRequests()),
                Arguments.of("max_file_size_mb", 1L, 1024L,
                        (Function<Permissions, Long>) p -> (long) p.maxFileSizeMb()),
                Arguments.of("rate_limit_requests_per_minute", 1L, 60_000L,
                        (Function<Permissions, Long>) p -> (long) p.rateLimitRequestsPerMinute()));
    }

    static Stream<String> limitFields() {
        return limits().map(a -> (String) a.get()[0]);
    }

    @ParameterizedTest
    @MethodSource("limits")
    void acceptsALimitAtItsBounds(String field, long min, long max, Function<Permissions, Long> read)
            throws PluginException {
        assertEquals(min, read.apply(parse(withPermission(field, node(Long.toString(min)))).permissions()));
        assertEquals(max, read.apply(parse(withPermission(field, node(Long.toString(max)))).permissions()));
    }

    @ParameterizedTest
    @MethodSource("limits")
    void rejectsALimitBelowItsMinimum(String field, long min, long max) {
        assertInvalid(withPermission(field, node(Long.toString(min - 1))), "permissions." + field,
                "expected an integer between " + min + " and " + max + ", got " + (min - 1));
    }

    @ParameterizedTest
    @MethodSource("limits")
    void rejectsALimitAboveItsMaximum(String field, long min, long max) {
        assertInvalid(withPermission(field, node(Long.toString(max + 1))), "permissions." + field,
                "expected an integer between " + min + " and " + max + ", got " + (max + 1));
    }

    @ParameterizedTest
    @MethodSource("limitFields")
    void rejectsANegativeLimit(String field) {
        assertInvalid(withPermission(field, node("-5")), "permissions." + field, "got -5");
    }

    @ParameterizedTest
    @MethodSource("limitFields")
    void rejectsANumberBeyondEveryIntegerType(String field) {
        assertInvalid(withPermission(field, node("99999999999999999999999999")), "permissions." + field,
                "got 99999999999999999999999999");
    }

    @Test
    void rejectsAZeroMemoryLimit() {
        assertInvalid(withPermission("max_memory_mb", node("0")), "permissions.max_memory_mb",
                "expected an integer between 1 and 4096, got 0");
    }

    @Test
    void acceptsZeroNetworkRequests() throws PluginException {
        assertEquals(0, parse(withPermission("max_network_requests", node("0"))).permissions().maxNetworkRequests());
    }

    @Test
    void rejectsANumberWrittenAsAString() {
        assertInvalid(withPermission("max_memory_mb", node("\"64\"")), "permissions.max_memory_mb",
                "expected an integer between 1 and 4096, got \"64\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "64.0  | got 64.0 (write an integer without a decimal point or exponent)",
        "64.5  | got 64.5",
        "6.4e1 | got 64.0 (write an integer",
        "1E3   | got 1000.0 (write an integer",
    })
    void rejectsAFractionOrExponentForAnIntegerField(String json, String got) {
        assertInvalid(withPermission("max_memory_mb", node(json)), "permissions.max_memory_mb", got);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "true     | got true",
        "[64]     | got a list",
        "{}       | got an object",
        "null     | got null; leave the field out for the default 30000",
    })
    void rejectsOtherTypesForAnIntegerField(String json, String got) {
        assertInvalid(withPermission("max_execution_time_ms", node(json)), "permissions.max_execution_time_ms",
                "expected an integer between 1 and 3600000", got);
    }

    @Test
    void fillsEveryMissingFieldWithItsDefault() throws PluginException {
        Permissions permissions = parse(withPermission("max_network_requests", node("7"))).permissions();

        assertEquals(new Permissions(64, 30_000, 7, List.of(), List.of(), 10, 60), permissions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"all\"", "42", "null", "true"})
    void rejectsPermissionsThatAreNotAnObject(String json) {
        ObjectNode manifest = minimal();
        manifest.set("permissions", node(json));

        assertInvalid(manifest, "permissions", "expected an object with any of max_memory_mb");
    }

    @Test
    void suggestsLeavingOutNullPermissions() {
        ObjectNode manifest = minimal();
        manifest.putNull("permissions");

        assertInvalid(manifest, "permissions", "got null; leave the field out instead");
    }

    // lists

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void acceptsAnEmptyList(String field) throws PluginException {
        Permissions permissions = parse(withPermission(field, node("[]"))).permissions();
        assertEquals(Permissions.DEFAULTS, permissions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void acceptsUpTo64Entries(String field) throws PluginException {
        ArrayNode entries = Manifests.JSON.createArrayNode();
        for (int i = 0; i < 64; i++) {
            entries.add("h" + i + ".example.com");
        }
        parse(withPermission(field, entries));
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void rejectsMoreThan64Entries(String field) {
        ArrayNode entries = Manifests.JSON.createArrayNode();
        for (int i = 0; i < 65; i++) {
            entries.add("h" + i + ".example.com");
        }
        assertInvalid(withPermission(field, entries), "permissions." + field, "65 entries; at most 64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void rejectsAListWrittenAsAString(String field) {
        assertInvalid(withPermission(field, node("\"example.com\"")), "permissions." + field,
                "expected a list of", "got \"example.com\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void rejectsAnEntryThatIsNotAString(String field) {
        assertInvalid(withPermission(field, node("[\"example.com\", 443]")), "permissions." + field + "[1]",
                "expected a string, got 443");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_hosts", "allowed_file_paths"})
    void rejectsADuplicateEntry(String field) {
        assertInvalid(withPermission(field, node("[\"example.com\", \"x.org\", \"example.com\"]")),
                "permissions." + field + "[2]", "\"example.com\" is listed twice");
    }

    // allowed_file_paths

    @ParameterizedTest
    @ValueSource(strings = {"data", "data/cache", "/srv/plugins/data", "./cache", "C:\\data\\plugin", "a..b",
        "..hidden", "dir/...", "ä/ö"})
    void acceptsAPath(String path) throws PluginException {
        ArrayNode entries = Manifests.JSON.createArrayNode().add(path);
        assertEquals(List.of(path), parse(withPermission("allowed_file_paths", entries)).permissions()
                .allowedFilePaths());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc", "data/../../etc/passwd", "/srv/..", "data\\..\\secret", "a/../b"})
    void rejectsAPathWithADotDotSegment(String path) {
        ArrayNode entries = Manifests.JSON.createArrayNode().add(path);
        assertInvalid(withPermission("allowed_file_paths", entries), "permissions.allowed_file_paths[0]",
                "has a \"..\" segment");
    }

    @Test
    void rejectsAnEmptyPath() {
        assertInvalid(withPermission("allowed_file_paths", node("[\"\"]")), "permissions.allowed_file_paths[0]",
                "is empty");
    }

    @Test
    void rejectsAPathWithNul() {
        assertInvalid(withPermission("allowed_file_paths", node("[\"data\\u0000.txt\"]")),
                "permissions.allowed_file_paths[0]", "the control character U+0000");
    }

    @Test
    void rejectsAPathLongerThan4096Characters() {
        ArrayNode entries = Manifests.JSON.createArrayNode().add("a".repeat(4097));
        assertInvalid(withPermission("allowed_file_paths", entries), "permissions.allowed_file_paths[0]",
                "longer than 4096");
    }
}
