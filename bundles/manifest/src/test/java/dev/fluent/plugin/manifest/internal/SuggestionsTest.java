package dev.fluent.plugin.manifest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

    private static final List<String> FIELDS = ManifestReader.PERMISSION_FIELDS;

    @ParameterizedTest
    @CsvSource({
        "max_memory_mb,            max_memory_mb",
        "max_memmory_mb,           max_memory_mb",
        "maxMemoryMb,              max_memory_mb",
        "MAX_MEMORY_MB,            max_memory_mb",
        "max-memory-mb,            max_memory_mb",
        "max_memory_bm,            max_memory_mb",
        "allowed_host,             allowed_hosts",
        "alowed_file_path,         allowed_file_paths",
        "rate_limit_per_minute,    ''",
        "memory,                   ''",
        "timeout,                  ''",
    })
    void suggestsOnlyACloseName(String written, String expected) {
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected),
                Suggestions.closest(written, FIELDS));
    }

    @ParameterizedTest
    @CsvSource({"abc, abc, 0", "abc, acb, 1", "kitten, sitting, 3", "'', abc, 3"})
    void countsAnAdjacentSwapAsOneEdit(String a, String b, int distance) {
        assertEquals(distance, Suggestions.distance(a, b));
    }
}
