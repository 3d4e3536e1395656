package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.node;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.PluginException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest's {@code warmup}: the payloads a load runs before the plugin serves. */
class WarmupPayloadsTest {

    private static ObjectNode withWarmup(String json) {
        ObjectNode manifest = minimal();
        manifest.set("warmup", node(json));
        return manifest;
    }

    @Test
    void anAbsentListIsEmpty() throws PluginException {
        assertEquals(List.of(), parse(minimal()).warmup());
    }

    @Test
    void keepsThePayloadsInOrderWithLineBreaksAndAnyUnicode() throws PluginException {
        assertEquals(List.of("64", "line one\nline two\ttabbed", "日本語 ✓ 😀", ""),
                parse(withWarmup("[\"64\", \"line one\\nline two\\ttabbed\", \"日本語 ✓ 😀\", \"\"]")).warmup());
    }

    @Test
    void aSinglePayloadMustBeInAList() {
        assertInvalid(withWarmup("\"64\""), "warmup", "expected a list of request payloads", "write [\"64\"]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}           | warmup    | got an object",
        "null         | warmup    | got null",
        "[64]         | warmup[0] | expected a request payload (a string), got 64",
        "[\"a\", []]  | warmup[1] | got a list",
    })
    void refusesWhatIsNotAListOfStrings(String json, String path, String got) {
        assertInvalid(withWarmup(json), path, got);
    }

    @Test
    void refusesMoreThanEightPayloads() {
        assertInvalid(withWarmup("[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]"), "warmup", "9 payloads",
                "at most 8");
    }

    @Test
    void refusesAPayloadListedTwice() {
        assertInvalid(withWarmup("[\"64\", \"32\", \"64\"]"), "warmup[2]", "\"64\" is listed twice");
    }

    @Test
    void refusesAnUnpairedSurrogate() {
        // As escaped in the document: a raw lone surrogate cannot even be written as UTF-8.
        String manifest = minimal().toString().replace("}", ",\"warmup\":[\"ok\",\"a\\ud800b\"]}");
        assertInvalid(manifest, "warmup[1]", "unpaired surrogate U+D800 at index 1");
    }
}
