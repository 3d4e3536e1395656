package dev.fluent.example.sql.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.ValueType;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The capability {@code dev.fluent.example.SqlQuery}: one host function, {@code dev.fluent.example.sql.query},
 * that runs a read-only query with bound parameters against the operator's {@link DataSource} service and
 * returns its rows as JSON. Rows, bytes and calls are bounded per execution, each query by a timeout.
 *
 * <p>It runs only while its configuration exists and the DataSource it selects is registered; when either goes,
 * the service goes and the platform suspends the plugins that declare the capability. Stateless between calls
 * (per-execution counts live in {@link HostCall#count}), so any number of executions may call it at once.
 */
@Component(service = CapabilityProvider.class, configurationPid = SqlQueryProvider.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SqlQueryConfiguration.class)
public final class SqlQueryProvider implements CapabilityProvider {

    static final String PID = "dev.fluent.example.sql";
    static final String CAPABILITY = "dev.fluent.example.SqlQuery";
    static final String MODULE = "dev.fluent.example.sql";
    static final String FUNCTION = "query";
    /** The audit action of the function, as the runtime names its uses: module, dot, function. */
    static final String ACTION = MODULE + "." + FUNCTION;

    private static final String CONFIG_FILE = "etc/" + PID + ".cfg";
    private static final String ROWS = MODULE + ".rows";
    private static final String BYTES = MODULE + ".bytes";

    private final QueryRunner runner;
    private final SqlQueryConfiguration config;
    private final List<HostFunctionDefinition> functions;

    @Activate
    public SqlQueryProvider(@Reference(name = "dataSource") DataSource dataSource, SqlQueryConfiguration config) {
        positive("max_rows", config.max__rows());
        positive("max_bytes", config.max__bytes());
        positive("max_queries", config.max__queries());
        positive("query_timeout_seconds", config.query__timeout__seconds());
        positive("fetch_size", config.fetch__size());
        positive("max_statement_bytes", config.max__statement__bytes());
        this.config = config;
        this.runner = new QueryRunner(dataSource, config.fetch__size());
        this.functions = List.of(new HostFunctionDefinition(FUNCTION,
                List.of(ValueType.I32, ValueType.I32, ValueType.I32, ValueType.I32), List.of(ValueType.I64),
                this::query));
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " is " + value + " in " + CONFIG_FILE
                    + "; set it to 1 or more");
        }
    }

    @Override
    public String capabilityName() {
        return CAPABILITY;
    }

    @Override
    public String importModule() {
        return MODULE;
    }

    @Override
    public int maxCallsPerExecution() {
        return config.max__queries();
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return functions;
    }

    /**
     * {@code query(sql_ptr, sql_len, params_ptr, params_len) -> i64}: the statement as UTF-8 text and its
     * parameters as a JSON array; returns the JSON rows as a buffer, or FAILED with the reason in
     * {@code last_error}. A statement that is not one read-only query, or rows or bytes past the execution's
     * limit, end the execution (ACCESS_DENIED, LIMIT_EXCEEDED), audited.
     */
    long query(HostCall call, long[] args) {
        int most = config.max__statement__bytes();
        long sqlLength = args[1] & 0xFFFFFFFFL; // i32 lengths, read unsigned
        long jsonLength = args[3] & 0xFFFFFFFFL;
        if (sqlLength > most || jsonLength > most) {
            return call.failed(CAPABILITY + ": the statement or its parameters are longer than " + most
                    + " bytes (max_statement_bytes in " + CONFIG_FILE + ")");
        }
        String sql = call.readString(args[0] & 0xFFFFFFFFL, sqlLength);
        String json = call.readString(args[2] & 0xFFFFFFFFL, jsonLength);
        Optional<String> refused = ReadOnlyStatement.refusal(sql);
        if (refused.isPresent()) {
            throw call.deny(ErrorCode.ACCESS_DENIED, ACTION, firstWord(sql), CAPABILITY + " runs read-only queries: "
                    + refused.get());
        }
        List<Object> parameters;
        try {
            parameters = Parameters.parse(json);
        } catch (IllegalArgumentException e) {
            return call.failed(CAPABILITY + ": " + e.getMessage());
        }
        long rowsLeft = config.max__rows() - call.count(ROWS, 0);
        long bytesLeft = config.max__bytes() - call.count(BYTES, 0);
        QueryRunner.Answer answer;
        try {
            answer = runner.run(sql, parameters, rowsLeft, bytesLeft, timeoutSeconds(call));
        } catch (QueryRunner.OverLimit e) {
            String limit = e.rows() ? "the " + config.max__rows() + " rows (max_rows" : "the " + config.max__bytes()
                    + " bytes (max_bytes";
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, ACTION, e.getMessage(), CAPABILITY + ": the query returns"
                    + " more than " + limit + " in " + CONFIG_FILE + ") one execution may read; narrow it (WHERE,"
                    + " LIMIT) or ask the operator for more");
        } catch (SQLTimeoutException e) {
            return call.failed(CAPABILITY + ": the query ran longer than its timeout of " + timeoutSeconds(call)
                    + " s (query_timeout_seconds in " + CONFIG_FILE + ", or the execution's deadline)");
        } catch (SQLException e) {
            return call.failed(CAPABILITY + ": the query failed: " + e.getMessage());
        }
        call.count(ROWS, answer.rows());
        call.count(BYTES, answer.json().length);
        return call.result(answer.json());
    }

    /** The configured timeout, or less when the execution's deadline is nearer; at least one second. */
    private int timeoutSeconds(HostCall call) {
        long left = (call.remainingTime().toMillis() + 999) / 1000;
        return (int) Math.max(1, Math.min(config.query__timeout__seconds(), left));
    }

    /** The statement's first word, for the audit's resource: what kind of statement, never its values. */
    private static String firstWord(String sql) {
        String trimmed = sql.strip();
        int end = 0;
        while (end < trimmed.length() && end < 32 && Character.isLetter(trimmed.charAt(end))) {
            end++;
        }
        return end == 0 ? "statement" : trimmed.substring(0, end).toUpperCase(Locale.ROOT);
    }
}
