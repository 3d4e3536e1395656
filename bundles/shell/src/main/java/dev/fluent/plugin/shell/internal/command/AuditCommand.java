package dev.fluent.plugin.shell.internal.command;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.ClusterReports;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;
import dev.fluent.plugin.api.json.JsonViews;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.shell.internal.support.JsonOutput;
import dev.fluent.plugin.shell.internal.support.PlatformAction;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.ShellUtil;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "plugin", name = "audit",
        description = "Shows the audit log, newest first; --verify walks its hash chain and reports the first break; "
                + "--acknowledge accepts a gap the log recovered from, once reviewed.")
@Service
public class AuditCommand extends PlatformAction {

    static final int DEFAULT_LIMIT = 50;

    @Argument(index = 0, name = "id", required = false, description = "Only this plugin's entries")
    @Completion(PluginIdCompleter.class)
    String id;

    @Option(name = "--action", description = "Only this action: " + AuditActions.LOAD + ", " + AuditActions.UNLOAD
            + ", " + AuditActions.EXECUTE + ", " + AuditActions.HTTP_REQUEST + " … (Tab lists them; docs/audit.md)")
    @Completion(value = StringsCompleter.class, values = {AuditActions.LOAD, AuditActions.RELOAD,
            AuditActions.UNLOAD, AuditActions.EXECUTE, AuditActions.SUSPEND, AuditActions.RESUME,
            AuditActions.OWNER, AuditActions.ROLLBACK, AuditActions.SECURITY_TEST,
            AuditActions.SELF_TEST, AuditActions.TRUST, AuditActions.AUDIT_RECOVERY, AuditActions.AUDIT_OVERFLOW,
            AuditActions.AUDIT_SUPPRESSED, AuditActions.AUDIT_RETENTION, AuditActions.AUDIT_ACKNOWLEDGE,
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

    @Option(name = "--verify", description = "Walk the whole hash chain, every file, and report the first break "
            + "(a gap the log recovered from on start is one until acknowledged)")
    boolean verify;

    @Option(name = "--acknowledge", description = "Acknowledge, after review, the gap the audit_recovery entry with "
            + "this seq (or hash) reports; the acknowledgement is itself audited, with your user name")
    String acknowledge;

    @Option(name = "--reason", description = "With --acknowledge: why the gap is accepted (kept in the log)")
    String reason;

    @Option(name = "--status", description = "Show the writer's figures: files, queue, waits, drops")
    boolean status;

    @Option(name = "--json", description = "Print the entries as JSON ({\"entries\": [...]}, as GET /fluent/api/audit), or with --verify the outcome (as GET /fluent/api/audit/verify)")
    boolean json;

    @Option(name = "--cluster", description = "The entries of every node of the cluster, merged by time, each naming "
            + "its node, and whether each node's own chain verifies (fails when one does not, or a node gave nothing)")
    boolean cluster;

    @Reference
    AuditLog audit;

    /** Every node's entries, when the cluster feature runs here. */
    @Reference(optional = true)
    ClusterReports clusterReports;

    @Override
    protected Object run() throws Exception {
        if (acknowledge != null) {
            return acknowledge();
        }
        if (reason != null) {
            throw new CommandFailure("BAD_REQUEST: --reason goes with --acknowledge <seq>");
        }
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
        if (cluster) {
            return cluster(query);
        }
        List<AuditRecord> records = audit.query(query);
        if (json) {
            JsonOutput.print(JsonViews.auditRecords(records), System.out);
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Seq").alignRight();
        table.column("Time");
        table.column("Plugin");
        table.column("Action");
        table.column("Result");
        table.column("Resource").maxSize(60).wrap();
        table.column("Error / details").maxSize(100).wrap();
        for (AuditRecord r : records) {
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

    private Object cluster(AuditQuery query) throws Exception {
        if (clusterReports == null) {
            throw ClusterViews.off();
        }
        List<ClusterReports.NodeAudit> nodes = clusterReports.audit(query);
        List<ClusterViews.NodeEntry> entries = ClusterViews.entries(nodes, query.limit());
        if (json) {
            JsonOutput.print(ClusterViews.auditJson(entries, nodes), System.out);
        } else {
            ClusterViews.printAudit(entries, nodes, System.out);
        }
        ClusterViews.requireWhole(nodes);
        return null;
    }

    private Object verify() throws CommandFailure {
        AuditVerification v = audit.verify();
        if (json) {
            JsonOutput.print(JsonViews.verification(v), System.out);
        } else {
            report(v).forEach(System.out::println);
        }
        if (!v.ok()) {
            throw new CommandFailure("AUDIT_CHAIN_BROKEN: " + SafeText.escape(v.firstBreak().toString()));
        }
        return null;
    }

    /**
     * What {@code --verify} prints: the outcome, what retention removed, and each gap the chain records, with
     * who acknowledged it.
     */
    static List<String> report(AuditVerification v) {
        List<String> lines = new ArrayList<>();
        String files = v.filesChecked() + " file" + (v.filesChecked() == 1 ? "" : "s");
        AuditVerification.Break b = v.firstBreak();
        boolean atGap = b != null && v.gaps().stream().anyMatch(g -> !g.acknowledged() && g.seq() == b.seq()
                && g.file().equals(b.file()));
        if (b == null) {
            lines.add("Audit chain OK: " + v.entriesChecked() + " entries in " + files);
        } else if (atGap) {
            lines.add("Audit chain BROKEN at an unacknowledged gap (" + v.entriesChecked() + " entries in " + files
                    + " link up): " + SafeText.escape(b.toString()));
        } else {
            lines.add("Audit chain BROKEN after " + v.entriesChecked() + " intact entries: " + SafeText.escape(b.toString()));
        }
        AuditVerification.Retention r = v.retention();
        if (r != null) {
            lines.add("  " + r.filesRemoved() + " file" + (r.filesRemoved() == 1 ? "" : "s") + " removed by retention up to "
                    + r.removedUntil() + " (entries 1–" + r.lastRemovedSeq() + "; recorded by entry " + r.recordedBy() + ")");
        }
        for (AuditVerification.Gap g : v.gaps()) {
            String where = "seq " + g.seq() + " (" + g.file() + " line " + g.line() + ")";
            lines.add(g.acknowledged()
                    ? "  acknowledged gap at " + where + " by " + SafeText.escape(g.acknowledgedBy()) + " at "
                            + g.acknowledgedAt() + ": " + SafeText.escape(g.reason())
                    : "  UNACKNOWLEDGED gap at " + where + ": " + SafeText.escape(g.reason())
                            + " (review, then plugin:audit --acknowledge " + g.seq() + ")");
        }
        return lines;
    }

    private Object acknowledge() throws CommandFailure {
        String operator = ShellUtil.getCurrentUserName();
        AuditRecord r;
        try {
            r = audit.acknowledge(acknowledge, operator, reason);
        } catch (PluginException e) {
            // The message quotes what the operator typed: escaped like everything else this command prints.
            throw new CommandFailure(SafeText.escape(e.toString()));
        }
        System.out.printf("Acknowledged the gap at seq %s (%s), as %s; entry %d records it%n",
                r.details().get("recovery_seq"), SafeText.escape(r.details().getOrDefault("recovery_error", "-")),
                SafeText.escape(r.details().getOrDefault("operator", "-")), r.seq());
        return null;
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
