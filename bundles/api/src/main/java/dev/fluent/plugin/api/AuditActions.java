package dev.fluent.plugin.api;

import java.util.Locale;
import java.util.Objects;

/**
 * The audit actions the platform writes (the {@code action} of an {@link AuditRecord}, of an {@link
 * dev.fluent.plugin.api.spi.AuditEvent}, and {@link AuditQuery#action()}'s values), and the EventAdmin topic
 * each entry is posted on. Action names are part of the platform's external contract: scripts filter the
 * log on them ({@code plugin:audit --action}) and event handlers subscribe to their topics, so a name is
 * never changed once written.
 *
 * <p>Three groups: what the runtime does to a plugin ({@link #LOAD}, {@link #RELOAD}, {@link #UNLOAD},
 * {@link #FETCH}, {@link #EXECUTE}, {@link #SUSPEND}, {@link #RESUME}, {@link #OWNER}, {@link #ROLLBACK}), to itself
 * ({@link #SELF_TEST}, {@link #TRUST}) or for a plugin author ({@link #SECURITY_TEST});
 * what the audit log records about itself ({@link #AUDIT_RECOVERY}, {@link #AUDIT_OVERFLOW}, {@link
 * #AUDIT_SUPPRESSED}, {@link #AUDIT_RETENTION}, {@link #AUDIT_ACKNOWLEDGE}); and each use
 * or refusal of a capability, named after the host function of import module {@code fluent} that was
 * called ({@link #HTTP_REQUEST}, {@link #FS_READ}, {@link #FS_WRITE}, {@link #ENV_GET}, {@link #CONFIG_GET},
 * {@link #CACHE_GET}, {@link #CACHE_PUT}, {@link #LOG}, {@link #METRIC}: the same names as {@link
 * dev.fluent.plugin.api.spi.StandardHostFunction#functionName()}). A capability provider passes these to
 * {@link dev.fluent.plugin.api.spi.HostCall#audit} (a use, successful) and {@link
 * dev.fluent.plugin.api.spi.HostCall#deny} (a refusal: failed, with {@link ErrorCode#ACCESS_DENIED}, {@link
 * ErrorCode#LIMIT_EXCEEDED} or {@link ErrorCode#RATE_LIMITED}); those entries carry the detail
 * {@code request_id}. The runtime also writes any of them, failed with {@link
 * ErrorCode#CAPABILITY_NOT_GRANTED} and the capability's manifest name as resource, when a plugin calls a
 * function whose capability the operator's policy withdrew after the plugin was loaded.
 *
 * <p>docs/audit.md lists, for each action, when it is written, its resource and details, and its topic.
 *
 * @since 1.1
 */
public final class AuditActions {

    /**
     * The start of every audit topic: an entry is posted on {@code TOPIC_PREFIX + <ACTION>}, see {@link
     * #topic(String)}.
     */
    public static final String TOPIC_PREFIX = "dev/fluent/plugin/audit/";

    /** The topic pattern an EventAdmin handler subscribes to for every audit entry. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    // What the runtime does to a plugin

    /**
     * A plugin was loaded ({@code plugin:load}, the watched folder, a restart), or a load was refused; the
     * error names the check that failed. Resource: the plugin folder.
     */
    public static final String LOAD = "load";

    /**
     * A loaded plugin was replaced by a new version ({@code plugin:reload}, a changed folder), or the new
     * version was refused and the old one keeps serving. Resource: the folder of the new version.
     */
    public static final String RELOAD = "reload";

    /**
     * A plugin was unloaded: by the operator, or by the platform when it lost its right to run (expired, its
     * key revoked or no longer trusted, unsigned with development mode off; details {@code reason} and
     * {@code cause}). Resource: the plugin folder.
     */
    public static final String UNLOAD = "unload";

    /**
     * A plugin archive was fetched and unpacked for a load or reload ({@link PluginSources}: a {@code .zip}, or a
     * {@code mvn:} artifact through the container's Maven resolution), or refused ({@link
     * ErrorCode#ARTIFACT_UNAVAILABLE}, {@link ErrorCode#ARCHIVE_INVALID}); details {@code sha256} (the archive's)
     * and {@code folder} (where it was unpacked). Resource: the location as given.
     *
     * @since 1.3
     */
    public static final String FETCH = "fetch";

    /**
     * One execution of a request ({@link Engine#execute}, {@link Engine#executeAsync}, {@link
     * PluginRegistry#execute}, {@link PluginRegistry#executeAsync}), successful or not, with its duration
     * and figures in the details; an asynchronous one the caller cancelled fails with {@link
     * ErrorCode#CANCELLED}. Resource: the request id.
     */
    public static final String EXECUTE = "execute";

    /**
     * The last provider of a capability a loaded plugin needs stopped: the plugin is suspended (its calls of
     * that capability fail) until a provider starts again. Resource: the capability's manifest name.
     */
    public static final String SUSPEND = "suspend";

    /**
     * A provider of a capability a suspended plugin needs started again: the plugin resumes. Resource: the
     * capability's manifest name.
     */
    public static final String RESUME = "resume";

    // What the runtime does to itself

    /**
     * The runtime's self-test at each start, passed or failed; no plugin id. Resource: {@code runtime}.
     */
    public static final String SELF_TEST = "self-test";

    /**
     * The trusted keys changed (a key added, removed or revoked; details {@code change}); no plugin id.
     * Resource: the key id.
     */
    public static final String TRUST = "trust";

    /**
     * The owner of a plugin id changed: bound at the first accepted load ({@code change=bound}), moved to
     * another key by the operator ({@code change=transferred}, details {@code from} and {@code to}) or
     * released ({@code change=released}). Resource: the owner's key id ({@code unsigned} for an unsigned
     * plugin).
     *
     * @since 1.2
     */
    public static final String OWNER = "owner";

    /**
     * The operator accepted an older version of a plugin on purpose ({@code plugin:rollback}); the load or
     * reload that follows is audited as usual. Details {@code from} (the highest version accepted so far) and
     * {@code to}. Resource: the folder of the older version.
     *
     * @since 1.2
     */
    public static final String ROLLBACK = "rollback";

    // What the platform does for a plugin author

    /**
     * A security test of a plugin folder ({@code plugin:security-test}): the plugin ran in the sandbox, on fake
     * capability providers, and this entry records the run; failed when the test found a high-severity
     * problem. Details: {@code verdict} ({@code PASS} or {@code FAIL}), {@code high}, {@code medium},
     * {@code low}, {@code probes}, {@code host_calls} (calls the plugin made on the fakes) and {@code refused}.
     * The plugin id is the one the folder's manifest claims, or none. Resource: the folder.
     *
     * @since 1.2
     */
    public static final String SECURITY_TEST = "security-test";

    // What the audit log records about itself

    /**
     * The audit log recovered from a crash or found damage on start: a torn last line, an invalid last line,
     * entries missing from its end. Always failed; no plugin id. Verification reports it as a break until an
     * operator acknowledges it ({@link #AUDIT_ACKNOWLEDGE}).
     */
    public static final String AUDIT_RECOVERY = "audit_recovery";

    /**
     * The audit log's queue overflowed and entries were dropped (details {@code dropped},
     * {@code dropped_total}). Always failed; no plugin id.
     */
    public static final String AUDIT_OVERFLOW = "audit_overflow";

    /**
     * What the per-plugin volume cap held back in one window: the successful routine entries of a plugin past
     * the cap, and the failures that repeated one already written in the window (same action, error code and
     * resource), counted per action and per code in the details. Failed when it counts repeated failures.
     * Plugin id: the plugin concerned; no resource.
     *
     * @since 1.2
     */
    public static final String AUDIT_SUPPRESSED = "audit_suppressed";

    /**
     * Retention removed the oldest log files (details {@code files_removed}, {@code first_kept_file},
     * {@code anchor_seq}, {@code anchor_hash} …), or could not; the entry anchors the chain's new start. No
     * plugin id. Resource: the files removed.
     *
     * @since 1.2
     */
    public static final String AUDIT_RETENTION = "audit_retention";

    /**
     * An operator acknowledged an {@link #AUDIT_RECOVERY} entry (details {@code recovery_seq},
     * {@code recovery_hash}, {@code operator}), so that verification reports its gap as acknowledged; failed
     * when the acknowledgement was refused. No plugin id. Resource: the recovery entry's seq.
     *
     * @since 1.2
     */
    public static final String AUDIT_ACKNOWLEDGE = "audit_acknowledge";

    // Uses and refusals of a capability, named after the host function called

    /**
     * {@code http_request} ({@code NetworkAccess}): a request sent (one entry per redirect hop), or refused.
     * Resource: method and URL without its query ({@code GET https://host:443/path}); the URL alone, or
     * nothing, for a refusal.
     */
    public static final String HTTP_REQUEST = "http_request";

    /** {@code fs_read} ({@code FileSystemRead}): a file read, or refused. Resource: the path as named. */
    public static final String FS_READ = "fs_read";

    /** {@code fs_write} ({@code FileSystemWrite}): a file written, or refused. Resource: the path as named. */
    public static final String FS_WRITE = "fs_write";

    /**
     * {@code env_get} ({@code EnvironmentAccess}): an environment variable read, or refused. Resource: the
     * variable's name (never its value).
     */
    public static final String ENV_GET = "env_get";

    /**
     * {@code config_get} ({@code ConfigurationAccess}): a configuration value read, or refused. Resource: the
     * key (never its value).
     */
    public static final String CONFIG_GET = "config_get";

    /**
     * {@code cache_get} ({@code CacheAccess}): reads are not audited; written only when the policy withdrew
     * the capability (see above).
     */
    public static final String CACHE_GET = "cache_get";

    /** {@code cache_put} ({@code CacheAccess}): a write refused (too large, too much). Resource: the key. */
    public static final String CACHE_PUT = "cache_put";

    /** {@code log} ({@code LoggingAccess}): log lines refused (a flood, the rate cap); no resource. */
    public static final String LOG = "log";

    /** {@code metric} ({@code MetricsAccess}): a metric refused (too many names). Resource: its name. */
    public static final String METRIC = "metric";

    private AuditActions() {
    }

    /**
     * The EventAdmin topic an entry of {@code action} is posted on: {@link #TOPIC_PREFIX} followed by the
     * action upper-cased ({@link Locale#ROOT}), with every character other than {@code A}–{@code Z},
     * {@code 0}–{@code 9}, {@code _} and {@code -} replaced by {@code _}, so that any action, even one a
     * provider invents, makes a valid topic; an empty action gives {@code …/UNKNOWN}. For instance
     * {@code execute} → {@code dev/fluent/plugin/audit/EXECUTE}, {@code self-test} →
     * {@code dev/fluent/plugin/audit/SELF-TEST}, {@code net.request/} →
     * {@code dev/fluent/plugin/audit/NET_REQUEST_}. Distinct actions may share a topic; the event's
     * {@code action} property holds the action as written.
     *
     * @throws NullPointerException when {@code action} is {@code null}
     */
    public static String topic(String action) {
        String upper = Objects.requireNonNull(action, "action").toUpperCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(TOPIC_PREFIX.length() + Math.max(upper.length(), 7));
        b.append(TOPIC_PREFIX);
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            b.append(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' ? c : '_');
        }
        if (upper.isEmpty()) {
            b.append("UNKNOWN");
        }
        return b.toString();
    }
}
