package dev.fluent.example.sql.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs one read-only query and writes its rows as JSON, {@code {"columns":[…],"rows":[[…],…]}}, stopping as soon
 * as the rows or bytes left to the execution are passed. The connection is read-only, its transaction is rolled
 * back after the query whatever it did, and the driver stops by itself one row past the budget
 * ({@code setMaxRows}), so no query reads more than it may return.
 */
final class QueryRunner {

    /** A query whose answer would pass the execution's rows or bytes. */
    static final class OverLimit extends Exception {

        private static final long serialVersionUID = 1L;

        private final boolean rows;

        OverLimit(boolean rows) {
            super(rows ? "rows" : "bytes", null, false, false);
            this.rows = rows;
        }

        /** Whether the rows (else the bytes) ran out. */
        boolean rows() {
            return rows;
        }
    }

    /** A query's answer: its JSON and how many rows it holds. */
    record Answer(byte[] json, int rows) {
    }

    private final DataSource dataSource;
    private final int fetchSize;

    QueryRunner(DataSource dataSource, int fetchSize) {
        this.dataSource = dataSource;
        this.fetchSize = fetchSize;
    }

    /**
     * Runs {@code sql}, already checked by {@link ReadOnlyStatement}, with its parameters bound in order.
     *
     * @param rowsLeft rows the execution may still read
     * @param bytesLeft bytes of JSON the execution may still return
     * @param timeoutSeconds the query timeout, at least 1
     */
    Answer run(String sql, List<Object> parameters, long rowsLeft, long bytesLeft, int timeoutSeconds)
            throws SQLException, OverLimit {
        try (Connection connection = dataSource.getConnection()) {
            boolean readOnly = connection.isReadOnly();
            boolean autoCommit = connection.getAutoCommit();
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try {
                return query(connection, sql, parameters, rowsLeft, bytesLeft, timeoutSeconds);
            } finally {
                // Whatever the statement did is undone, and a pooled connection goes back as it came.
                connection.rollback();
                connection.setAutoCommit(autoCommit);
                connection.setReadOnly(readOnly);
            }
        }
    }

    private Answer query(Connection connection, String sql, List<Object> parameters, long rowsLeft,
            long bytesLeft, int timeoutSeconds) throws SQLException, OverLimit {
        try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            int expected = statement.getParameterMetaData().getParameterCount();
            if (expected != parameters.size()) {
                throw new SQLException("the query has " + expected + " parameters ('?') but " + parameters.size()
                        + " values were given");
            }
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            statement.setQueryTimeout(timeoutSeconds);
            statement.setFetchSize(fetchSize);
            // One row past the budget tells an over-limit query from one that fits exactly.
            statement.setMaxRows((int) Math.min(Integer.MAX_VALUE - 1, rowsLeft) + 1);
            try (ResultSet rows = statement.executeQuery()) {
                return write(rows, rowsLeft, bytesLeft);
            }
        }
    }

    private static Answer write(ResultSet rows, long rowsLeft, long bytesLeft) throws SQLException, OverLimit {
        Json out = new Json(bytesLeft);
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        out.raw("{\"columns\":[");
        for (int c = 1; c <= columns; c++) {
            out.raw(c > 1 ? "," : "");
            out.string(meta.getColumnLabel(c));
        }
        out.raw("],\"rows\":[");
        int count = 0;
        while (rows.next()) {
            if (++count > rowsLeft) {
                throw new OverLimit(true);
            }
            out.raw(count > 1 ? ",[" : "[");
            for (int c = 1; c <= columns; c++) {
                out.raw(c > 1 ? "," : "");
                value(out, rows.getObject(c));
            }
            out.raw("]");
        }
        out.raw("]}");
        return new Answer(out.bytes(), count);
    }

    private static void value(Json out, Object value) throws SQLException, OverLimit {
        if (value == null) {
            out.raw("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            out.raw(value.toString());
        } else if (value instanceof BigDecimal decimal) {
            out.raw(decimal.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.raw(value.toString());
            } else {
                out.string(value.toString());
            }
        } else if (value instanceof byte[] bytes) {
            out.string(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof Clob clob) {
            out.string(readBounded(clob, out.left()));
        } else if (value instanceof Blob blob) {
            out.string(Base64.getEncoder().encodeToString(readBounded(blob, out.left())));
        } else {
            out.string(value.toString()); // dates and times in ISO form, and whatever else the driver returns
        }
    }

    /** A large text value, read no further than the bytes left (a character is at least one byte). */
    private static String readBounded(Clob clob, long left) throws SQLException, OverLimit {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try (Reader in = clob.getCharacterStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                text.append(buffer, 0, n);
                if (text.length() > left) {
                    throw new OverLimit(false);
                }
            }
        } catch (IOException e) {
            throw new SQLException("reading a text value failed: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /** A large binary value, read no further than the bytes left (Base64 makes it larger still). */
    private static byte[] readBounded(Blob blob, long left) throws SQLException, OverLimit {
        if (blob.length() > left) {
            throw new OverLimit(false);
        }
        try (InputStream in = blob.getBinaryStream()) {
            return in.readNBytes((int) blob.length());
        } catch (IOException e) {
            throw new SQLException("reading a binary value failed: " + e.getMessage(), e);
        }
    }

    /** JSON text that counts its UTF-8 bytes as it grows and stops past its budget. */
    private static final class Json {

        private final StringBuilder text = new StringBuilder();
        private final long budget;
        private long bytes;

        Json(long budget) {
            this.budget = budget;
        }

        long left() {
            return budget - bytes;
        }

        void raw(String s) throws OverLimit {
            text.append(s);
            grow(s.length());
        }

        void string(String s) throws OverLimit {
            int start = text.length();
            text.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> text.append("\\\"");
                    case '\\' -> text.append("\\\\");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    case '\t' -> text.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            text.append(String.format("\\u%04x", (int) c));
                        } else {
                            text.append(c);
                        }
                    }
                }
            }
            text.append('"');
            grow(utf8Length(text, start));
        }

        private void grow(long n) throws OverLimit {
            bytes += n;
            if (bytes > budget) {
                throw new OverLimit(false);
            }
        }

        byte[] bytes() {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** The UTF-8 length of {@code s} from {@code from} on (a surrogate pair is 4 bytes: 2 per half). */
        private static long utf8Length(CharSequence s, int from) {
            long n = 0;
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
            return n;
        }
    }
}
