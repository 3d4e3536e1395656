package dev.fluent.example.sql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadOnlyStatementTest {

    private static String refused(String sql) {
        Optional<String> reason = ReadOnlyStatement.refusal(sql);
        assertTrue(reason.isPresent(), "should be refused: " + sql);
        return reason.get();
    }

    @Test
    void allowsOneSelectOrWithQuery() {
        for (String sql : List.of("SELECT 1", "  select id from t where a = ? ;  ", "(SELECT 1) UNION (SELECT 2)",
                "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "-- why\nSELECT 'delete; drop' AS \"update\" /* ; */",
                "SELECT 'it''s' FROM t")) {
            assertEquals(Optional.empty(), ReadOnlyStatement.refusal(sql), sql);
        }
    }

    @Test
    void refusesStatementsThatWrite() {
        assertEquals("only a SELECT or WITH query is allowed; 'INSERT' statements are refused (the capability is"
                + " read-only)", refused("insert into t values (1)"));
        assertTrue(refused("/* x */ UPDATE t SET a = 1").contains("'UPDATE' statements are refused"));
        assertTrue(refused("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d").contains("'DELETE' is refused"));
        assertTrue(refused("SELECT * INTO copy FROM t").contains("'INTO' is refused"));
        assertTrue(refused("SELECT * FROM t FOR UPDATE").contains("'UPDATE' is refused"));
        assertTrue(refused("CALL something()").contains("'CALL' statements are refused"));
    }

    @Test
    void refusesASecondStatementAndTricksWithQuotes() {
        assertTrue(refused("SELECT 1; DROP TABLE t").contains("more than one statement"));
        assertTrue(refused("SELECT 1 /* unclosed").contains("without its closing */"));
        assertTrue(refused("SELECT 'unclosed").contains("without its closing '"));
        assertTrue(refused("SELECT 'a\\'; DROP TABLE t; --'").contains("backslash inside quotes"));
        assertTrue(refused("SELECT $$x$$").contains("dollar-quoted"));
        assertTrue(refused("SELECT FILE_READ('/etc/passwd')").contains("the function FILE_READ is refused"));
        assertTrue(refused("  ").contains("empty"));
    }
}
