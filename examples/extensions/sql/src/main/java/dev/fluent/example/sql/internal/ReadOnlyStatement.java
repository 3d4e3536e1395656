package dev.fluent.example.sql.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a statement text is one read-only query: a single {@code SELECT} or {@code WITH} statement
 * that names no keyword of a statement that writes, and no function known to write or to reach the database
 * server's files. It reads the text the way SQL does (comments, string literals and quoted identifiers are
 * skipped), so a keyword hidden in a literal neither passes nor fails the check.
 *
 * <p>This is one of three guards, none of them enough alone: the connection is also read-only and rolled back
 * after every query ({@link QueryRunner}), and the operator's database user should hold only {@code SELECT}
 * rights. A query that names a column or table spelled like a refused keyword quotes it ({@code "update"}).
 */
final class ReadOnlyStatement {

    /** Words that start or belong to a statement that writes, or that controls the transaction or session. */
    private static final Set<String> WRITING = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "CREATE",
            "ALTER", "DROP", "TRUNCATE", "RENAME", "GRANT", "REVOKE", "CALL", "EXEC", "EXECUTE", "COPY", "LOCK",
            "INTO", "COMMIT", "ROLLBACK", "SAVEPOINT", "SET", "SHUTDOWN", "CHECKPOINT", "BACKUP", "RUNSCRIPT",
            "SCRIPT", "LOAD", "VACUUM", "ANALYZE", "ATTACH", "DETACH", "PRAGMA");

    /**
     * Functions a SELECT may call that write, read the server's files or reach other databases (H2, PostgreSQL,
     * MySQL, Derby names); the database user's rights should refuse them too.
     */
    private static final Set<String> SIDE_EFFECT_FUNCTIONS = Set.of("FILE_READ", "FILE_WRITE", "CSVREAD",
            "CSVWRITE", "LINK_SCHEMA", "PG_READ_FILE", "PG_READ_BINARY_FILE", "PG_LS_DIR", "PG_SLEEP", "LO_IMPORT",
            "LO_EXPORT", "DBLINK", "DBLINK_EXEC", "LOAD_FILE", "SLEEP", "SYSCS_UTIL");

    private ReadOnlyStatement() {
    }

    /**
     * Why {@code sql} is not one read-only query, or empty when it is.
     *
     * @return a reason that names the word or construct refused and what to do instead
     */
    static Optional<String> refusal(String sql) {
        String first = null;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(' && first == null) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return Optional.of("the statement has a comment /* without its closing */");
                }
                i = end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = closing(sql, i, c);
                if (end < 0) {
                    return Optional.of("the statement has a " + c + " without its closing " + c);
                }
                if (sql.substring(i, end).indexOf('\\') >= 0) {
                    // Some databases read a backslash as an escape, and would end the literal elsewhere.
                    return Optional.of("the statement has a backslash inside quotes; pass values as bound"
                            + " parameters, written '?'");
                }
                i = end + 1;
            } else if (c == '$') {
                return Optional.of("the statement has a '$' (dollar-quoted text or a positional parameter);"
                        + " pass values as bound parameters, written '?'");
            } else if (c == ';') {
                if (!rest(sql, i + 1).isBlank()) {
                    return Optional.of("the statement holds more than one statement (';'); send one query per call");
                }
                i = n;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
                if (first == null) {
                    first = word;
                    if (!first.equals("SELECT") && !first.equals("WITH")) {
                        return Optional.of("only a SELECT or WITH query is allowed; '" + word
                                + "' statements are refused (the capability is read-only)");
                    }
                } else if (WRITING.contains(word)) {
                    return Optional.of("'" + word + "' is refused inside a query (the capability is read-only);"
                            + " quote it (\"" + word.toLowerCase(Locale.ROOT) + "\") if it names a column or table");
                } else if (SIDE_EFFECT_FUNCTIONS.contains(word)) {
                    return Optional.of("the function " + word + " is refused: it writes, reads the database"
                            + " server's files or reaches another database");
                }
            } else {
                i++;
            }
        }
        return first == null ? Optional.of("the statement is empty; send one SELECT or WITH query") : Optional.empty();
    }

    /** The index of the quote that closes the one at {@code open} (a doubled quote is part of the text), or -1. */
    private static int closing(String sql, int open, char quote) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }

    /** The text after {@code from}, without comments: what follows a ';' must be nothing else. */
    private static String rest(String sql, int from) {
        return sql.substring(from).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\\n]*", "");
    }
}
