package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.devtools.CommandFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "audit",
        description = "Shows the audit log, newest first; --verify walks its hash chain and reports the first break.")
@Service
public class AuditCommand implements Action {

    static final int DEFAULT_LIMIT = 50;

    @Argument(index = 0, name = "id", required = false, description = "Only this plugin's entries")
    @Completion(PluginIdCompleter.class)
    String id;

    @Option(name = "--action", description = "Only this action: " + AuditActions.LOAD + ", " + AuditActions.UNLOAD
            + ", " + AuditActions.EXECUTE + ", " + AuditActions.HTTP_REQUEST + " … (Tab lists them; docs/audit.md)")
    @Completion(value = StringsCompleter.class, values = {AuditActions.LOAD, AuditActions.RELOAD,
            AuditActions.UNLOAD, AuditActions.EXECUTE, AuditActions.SUSPEND, AuditActions.RESUME,
            AuditActions.SELF_TEST, AuditActions.TRUST, AuditActions.AUDIT_RECOVERY, AuditActions.AUDIT_OVERFLOW,
            AuditActions.HTTP_REQUEST, AuditActions.FS_READ, AuditActions.FS_WRITE, AuditActions.ENV_GET,
            AuditActions.CONFIG_GET, AuditActions.CACHE_GET, AuditActions.CACHE_PUT, AuditActions.LOG,
            AuditActions.METRIC})
    String action;

    @Option(name = "--failed", description = "Only actions that failed")
    boolean failed;

    @Option(name = "--since", description = "Only entries at or after this time: an instant (2026-01-31T12:00:00Z), "
            + "a UTC date (2026-01-31) or an age (30s, 15m, 2h, 7d)")
    String since;

    @Option(name = "--until", description = "Only entries before this time (same forms as --since)")
    String until;

    @Option(name = "--limit", description = "At most this many entries (default 50)")
    int limit = DEFAULT_LIMIT;

    @Option(name = "--verify", description = "Walk the whole hash chain, every file, and report the first break")
    boolean verify;

    @Option(name = "--status", description = "Show the writer's figures: files, queue, waits, drops")
    boolean status;

    @Reference
    AuditLog audit;

    @Override
    public Object execute() throws Exception {
        if (verify) {
            return verify();
        }
        if (status) {
            return status();
        }
        if (limit < 1) {
            throw new CommandFailure("BAD_REQUEST: --limit must be at least 1, was " + limit);
        }
        Instant now = Instant.now();
        AuditQuery query;
        try {
            query = AuditQuery.builder().pluginId(id).action(action).failedOnly(failed)
                    .since(since == null ? null : parseTime("--since", since, now))
                    .until(until == null ? null : parseTime("--until", until, now))
                    .limit(limit).build();
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("BAD_REQUEST: " + e.getMessage());
        }
        ShellTable table = new ShellTable();
        table.column("Seq").alignRight();
        table.column("Time");
        table.column("Plugin");
        table.column("Action");
        table.column("Result");
        table.column("Resource").maxSize(60).wrap();
        table.column("Error / details").maxSize(100).wrap();
        for (AuditRecord r : audit.query(query)) {
            // Resources, errors and details carry what plugins and dropped file names control: escaped, so
            // they can neither forge rows nor drive the terminal.
            table.addRow().addContent(r.seq(), r.timestamp().truncatedTo(ChronoUnit.MILLIS),
                    r.pluginId().isEmpty() ? "-" : SafeText.escape(r.pluginId()), SafeText.escape(r.action()),
                    r.success() ? "ok" : "FAILED", r.resource() == null ? "-" : SafeText.escape(r.resource()),
                    SafeText.escape(errorAndDetails(r)));
        }
        table.emptyTableText("No audit entries match");
        table.print(System.out);
        return null;
    }

    private Object verify() throws CommandFailure {
        AuditVerification v = audit.verify();
        if (v.ok()) {
            System.out.printf("Audit chain OK: %d entries in %d file%s%n", v.entriesChecked(), v.filesChecked(),
                    v.filesChecked() == 1 ? "" : "s");
            return null;
        }
        String where = v.firstBreak().toString();
        System.out.printf("Audit chain BROKEN after %d intact entries: %s%n", v.entriesChecked(), where);
        throw new CommandFailure("AUDIT_CHAIN_BROKEN: " + where);
    }

    private Object status() {
        AuditStatus s = audit.status();
        ShellTable table = new ShellTable();
        table.noHeaders();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("Directory", s.directory());
        table.addRow().addContent("Active file", s.activeFile());
        table.addRow().addContent("Last seq", s.lastSeq());
        table.addRow().addContent("Queued", s.queued() + " of " + s.queueCapacity());
        table.addRow().addContent("Written since start", s.written());
        table.addRow().addContent("Callers that waited", s.waited());
        table.addRow().addContent("Dropped", s.dropped());
        table.addRow().addContent("Backpressure", s.backpressure());
        table.addRow().addContent("Last forced to disk", s.lastSync() == null ? "-" : s.lastSync());
        table.print(System.out);
        return null;
    }

    private static String errorAndDetails(AuditRecord r) {
        String details = r.details().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        if (r.error() == null) {
            return details.isEmpty() ? "-" : details;
        }
        return details.isEmpty() ? r.error() : r.error() + " [" + details + "]";
    }

    /**
     * Reads a time given as an instant ({@code 2026-01-31T12:00:00Z}), a UTC date ({@code 2026-01-31}) or an age
     * before {@code now} ({@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}).
     */
    static Instant parseTime(String option, String text, Instant now) throws CommandFailure {
        String t = text.trim();
        try {
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration age = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(age);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new CommandFailure("BAD_REQUEST: " + option + " '" + text + "' is not a time: give an instant "
                    + "(2026-01-31T12:00:00Z), a UTC date (2026-01-31) or an age (30s, 15m, 2h, 7d)");
        }
    }
}
