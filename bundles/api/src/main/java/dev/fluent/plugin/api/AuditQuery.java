package dev.fluent.plugin.api;

import java.time.Instant;

/**
 * Which audit entries to return. Every criterion is optional; entries come newest first.
 *
 * <pre>{@code
 * AuditQuery.builder().pluginId("echo").failedOnly(true).since(yesterday).limit(20).build()
 * }</pre>
 *
 * @param pluginId only this plugin's entries, or {@code null} for all
 * @param action only this action ({@link AuditActions#LOAD}, {@link AuditActions#EXECUTE} …), or {@code null} for all
 * @param failedOnly only entries whose action failed
 * @param since only entries at or after this instant, or {@code null}
 * @param until only entries before this instant, or {@code null}
 * @param limit at most this many entries (at least 1)
 */
public record AuditQuery(String pluginId, String action, boolean failedOnly, Instant since, Instant until, int limit) {

    /** The limit of a query that sets none. */
    public static final int DEFAULT_LIMIT = 100;

    public AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new IllegalArgumentException("until (" + until + ") is before since (" + since + ")");
        }
    }

    /** The newest {@code limit} entries, whatever they are. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, false, null, null, limit);
    }

    /** The newest {@link #DEFAULT_LIMIT} entries of one plugin. */
    public static AuditQuery forPlugin(String pluginId) {
        return new AuditQuery(pluginId, null, false, null, null, DEFAULT_LIMIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether an entry with these fields matches. */
    public boolean matches(String entryPluginId, String entryAction, boolean entrySuccess, Instant entryTimestamp) {
        return (pluginId == null || pluginId.equals(entryPluginId))
                && (action == null || action.equals(entryAction))
                && (!failedOnly || !entrySuccess)
                && (since == null || !entryTimestamp.isBefore(since))
                && (until == null || entryTimestamp.isBefore(until));
    }

    /** Builds an {@link AuditQuery}; the limit defaults to {@link #DEFAULT_LIMIT}. */
    public static final class Builder {
        private String pluginId;
        private String action;
        private boolean failedOnly;
        private Instant since;
        private Instant until;
        private int limit = DEFAULT_LIMIT;

        private Builder() {
        }

        public Builder pluginId(String value) {
            pluginId = value;
            return this;
        }

        public Builder action(String value) {
            action = value;
            return this;
        }

        public Builder failedOnly(boolean value) {
            failedOnly = value;
            return this;
        }

        public Builder since(Instant value) {
            since = value;
            return this;
        }

        public Builder until(Instant value) {
            until = value;
            return this;
        }

        public Builder limit(int value) {
            limit = value;
            return this;
        }

        public AuditQuery build() {
            return new AuditQuery(pluginId, action, failedOnly, since, until, limit);
        }
    }
}
