package dev.fluent.example.sql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void readsParametersAsScalarsOnly() {
        assertEquals(Arrays.asList("a\"\n\u00e9", 42L, new BigDecimal("2.5"), true, null,
                new BigDecimal("123456789012345678901234567890")),
                Parameters.parse(" [\"a\\\"\\n\\u00e9\", 42, 2.5, true, null, 123456789012345678901234567890] "));
        assertEquals(List.of(), Parameters.parse(""));
        assertEquals(List.of(), Parameters.parse("[]"));
        for (String bad : List.of("{}", "[1,]", "[[1]]", "[01]", "[1] x", "[\"a]", "[tru]")) {
            try {
                Parameters.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("the parameters must be a JSON array"), bad);
            }
        }
    }
}
