package dev.fluent.plugin.runtime.internal.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemanticVersionsTest {

    @Test
    void ordersByPrecedenceAsSemverDefinesIt() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0",
                "10.0.0", "18446744073709551616.0.0");
        List<String> shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.sort(SemanticVersions.PRECEDENCE);
        assertEquals(ordered, shuffled);
    }

    @Test
    void buildMetadataDoesNotCount() {
        assertEquals(0, SemanticVersions.compare("1.2.3+build.5", "1.2.3+other"));
        assertTrue(SemanticVersions.compare("1.2.3-rc.1+x", "1.2.3") < 0);
    }
}
