package dev.fluent.example.sql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import java.lang.annotation.Annotation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider against a real in-memory H2 database, through the same handler the platform calls. */
class SqlQueryProviderTest {

    private JdbcDataSource dataSource;
    private Connection keepAlive;

    @BeforeEach
    void database() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:sql-test-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        keepAlive = dataSource.getConnection();
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE fruit (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(6,2), fresh BOOLEAN)");
            s.execute("INSERT INTO fruit VALUES (1, 'apple', 0.50, TRUE), (2, 'pear', 0.75, FALSE),"
                    + " (3, 'fig \"dried\"', 2.10, NULL)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        keepAlive.close();
    }

    private SqlQueryProvider provider(int maxRows, int maxBytes) {
        return new SqlQueryProvider(dataSource, config(maxRows, maxBytes, 100));
    }

    @Test
    void answersWithColumnsAndRowsOfBoundParameters() {
        GuestCall call = new GuestCall();

        long result = call.query(provider(10, 10_000), "SELECT id, name, price, fresh FROM fruit WHERE price < ?"
                + " ORDER BY id", "[1]");

        assertTrue(result > 0, "a buffer result");
        assertEquals("{\"columns\":[\"ID\",\"NAME\",\"PRICE\",\"FRESH\"],\"rows\":[[1,\"apple\",0.50,true],"
                + "[2,\"pear\",0.75,false]]}", call.resultText());
    }

    @Test
    void aValueThatLooksLikeSqlIsBoundNotSpliced() {
        GuestCall call = new GuestCall();

        call.query(provider(10, 10_000), "SELECT name FROM fruit WHERE name = ?", "[\"x' OR '1'='1\"]");

        assertEquals("{\"columns\":[\"NAME\"],\"rows\":[]}", call.resultText());
    }

    @Test
    void acceptsOneTrailingSemicolonAndComments() {
        GuestCall call = new GuestCall();

        call.query(provider(10, 10_000), "-- the cheapest\nSELECT name FROM fruit /* one */ WHERE id = ?;", "[1]");

        assertEquals("{\"columns\":[\"NAME\"],\"rows\":[[\"apple\"]]}", call.resultText());
    }

    @Test
    void escapesTextAndWritesNullsAndWithQueries() {
        GuestCall call = new GuestCall();

        call.query(provider(10, 10_000), "WITH f AS (SELECT * FROM fruit WHERE id = ?) SELECT name, fresh FROM f",
                "[3]");

        assertEquals("{\"columns\":[\"NAME\",\"FRESH\"],\"rows\":[[\"fig \\\"dried\\\"\",null]]}", call.resultText());
    }

    @Test
    void refusesAWriteAndEndsTheExecutionWithoutWriting() throws SQLException {
        GuestCall call = new GuestCall();
        SqlQueryProvider provider = provider(10, 10_000);

        HostCallException e = assertThrows(HostCallException.class,
                () -> call.query(provider, "DELETE FROM fruit", ""));

        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertTrue(e.getMessage().contains("only a SELECT or WITH query is allowed; 'DELETE' statements are refused"),
                e.getMessage());
        assertEquals(List.of("ACCESS_DENIED dev.fluent.example.sql.query DELETE"), call.denials);
        try (ResultSet rows = keepAlive.createStatement().executeQuery("SELECT COUNT(*) FROM fruit")) {
            rows.next();
            assertEquals(3, rows.getInt(1));
        }
    }

    @Test
    void rowsPastTheExecutionsLimitEndItAndCountAcrossQueries() {
        GuestCall call = new GuestCall();
        SqlQueryProvider provider = provider(4, 10_000);
        call.query(provider, "SELECT id FROM fruit", "");

        HostCallException e = assertThrows(HostCallException.class,
                () -> call.query(provider, "SELECT id FROM fruit", ""));

        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("more than the 4 rows (max_rows in etc/dev.fluent.example.sql.cfg)"),
                e.getMessage());
        assertEquals(List.of("LIMIT_EXCEEDED dev.fluent.example.sql.query rows"), call.denials);

        GuestCall nextExecution = new GuestCall();
        nextExecution.query(provider, "SELECT id FROM fruit WHERE id < 3", "");
        assertEquals("{\"columns\":[\"ID\"],\"rows\":[[1],[2]]}", nextExecution.resultText());
    }

    @Test
    void bytesPastTheExecutionsLimitEndIt() {
        HostCallException e = assertThrows(HostCallException.class,
                () -> new GuestCall().query(provider(100, 40), "SELECT name FROM fruit", ""));

        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("the 40 bytes (max_bytes"), e.getMessage());
    }

    @Test
    void aFailingQueryIsAnErrorThePluginMayHandle() {
        GuestCall call = new GuestCall();
        SqlQueryProvider provider = provider(10, 10_000);

        assertEquals(HostCall.FAILED, call.query(provider, "SELECT nothing FROM nowhere", ""));
        assertTrue(call.lastError.startsWith("dev.fluent.example.SqlQuery: the query failed: "), call.lastError);
        assertTrue(call.lastError.contains("NOWHERE"), call.lastError);

        assertEquals(HostCall.FAILED, call.query(provider, "SELECT id FROM fruit WHERE id = ?", ""));
        assertTrue(call.lastError.contains("the query has 1 parameters ('?') but 0 values were given"),
                call.lastError);

        assertEquals(HostCall.FAILED, call.query(provider, "SELECT id FROM fruit WHERE id = ?", "[{\"a\":1}]"));
        assertTrue(call.lastError.contains("expected a string, number, boolean or null"), call.lastError);
        assertTrue(call.denials.isEmpty());
        assertNull(call.lastResult);
    }

    @Test
    void aQueryPastItsTimeoutIsStoppedAndFails() {
        GuestCall call = new GuestCall();
        long started = System.nanoTime();

        // Ten billion rows to add up: far longer than the one-second timeout of this configuration.
        long result = call.query(new SqlQueryProvider(dataSource, config(10, 10_000, 100, 1)),
                "SELECT SUM(a.X * b.X) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b", "");

        assertEquals(HostCall.FAILED, result);
        assertTrue(call.lastError.contains("ran longer than its timeout of 1 s (query_timeout_seconds"),
                call.lastError);
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "stopped by the timeout, not by finishing");
    }

    @Test
    void refusesAConfigurationThatAllowsNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SqlQueryProvider(dataSource, config(0, 10, 1)));

        assertEquals("max_rows is 0 in etc/dev.fluent.example.sql.cfg; set it to 1 or more", e.getMessage());
    }

    @Test
    void declaresItsCapabilityModuleAndCallLimit() {
        SqlQueryProvider provider = new SqlQueryProvider(dataSource, config(10, 10, 7));

        assertEquals("dev.fluent.example.SqlQuery", provider.capabilityName());
        assertNull(provider.capability());
        assertEquals("dev.fluent.example.sql", provider.importModule());
        assertEquals(7, provider.maxCallsPerExecution());
        assertEquals("(i32, i32, i32, i32) -> i64", provider.functions().get(0).signature());
    }

    static SqlQueryConfiguration config(int maxRows, int maxBytes, int maxQueries) {
        return config(maxRows, maxBytes, maxQueries, 5);
    }

    static SqlQueryConfiguration config(int maxRows, int maxBytes, int maxQueries, int timeoutSeconds) {
        return new SqlQueryConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SqlQueryConfiguration.class;
            }

            @Override
            public String dataSource_target() {
                return "(dataSourceName=test)";
            }

            @Override
            public int max__rows() {
                return maxRows;
            }

            @Override
            public int max__bytes() {
                return maxBytes;
            }

            @Override
            public int max__queries() {
                return maxQueries;
            }

            @Override
            public int query__timeout__seconds() {
                return timeoutSeconds;
            }

            @Override
            public int fetch__size() {
                return 50;
            }

            @Override
            public int max__statement__bytes() {
                return 4096;
            }
        };
    }
}
