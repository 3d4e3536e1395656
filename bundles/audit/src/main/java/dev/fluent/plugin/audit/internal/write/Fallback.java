package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.spi.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where entries go that cannot reach the file (writer stopped, disk failing): the container's log. */
public final class Fallback {

    private static final Logger LOG = LoggerFactory.getLogger("dev.fluent.plugin.audit");

    private Fallback() {
    }

    /** Logs an entry the audit log will not hold, and why. */
    public static void lost(AuditEvent e, String why) {
        LOG.warn("Audit entry not written ({}): {} {} {} success={} error={} details={} at {}", why,
                e.pluginId(), e.action(), e.resource(), e.success(), e.error(), e.details(), e.timestamp());
    }
}
