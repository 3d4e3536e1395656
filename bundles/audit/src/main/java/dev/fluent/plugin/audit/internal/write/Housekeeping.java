package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import dev.fluent.plugin.audit.internal.retention.Retention;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention runs on the thread that owns the {@link LogAppender}: at start, after each rotation, and every hour
 * (files age while the log is quiet). A run appends its {@code audit_retention} entry and forces it to disk,
 * writes {@code audit.anchor}, then removes the files; a failure at any step leaves the files in place and is
 * tried again at the next occasion.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final long EVERY_NANOS = TimeUnit.HOURS.toNanos(1);

    private final LogDirectory dir;
    private final LogAppender appender;
    private final Retention retention;
    private final Clock clock;
    private boolean ran;
    private long lastRun;
    private int rotationsSeen;
    private boolean blockedReported;

    Housekeeping(LogDirectory dir, LogAppender appender, Retention retention, Clock clock) {
        this.dir = dir;
        this.appender = appender;
        this.retention = retention;
        this.clock = clock;
    }

    /** Runs retention if it never ran, the log rotated since, or an hour has passed. */
    void retentionIfDue() {
        if (!retention.enabled() || !appender.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (ran && appender.rotations() == rotationsSeen && now - lastRun < EVERY_NANOS) {
            return;
        }
        ran = true;
        lastRun = now;
        rotationsSeen = appender.rotations();
        try {
            Retention.Plan plan = retention.plan(appender.extent().fileIndex());
            if (plan.blocked() != null && !blockedReported) {
                blockedReported = true;
                LOG.error("Audit retention stopped early: {}", plan.blocked());
                appender.append(List.of(plan.blockedEntry(clock.instant())));
            }
            if (plan.remove().isEmpty()) {
                return;
            }
            AuditEvent entry = plan.entry(clock.instant());
            appender.append(List.of(entry));
            appender.sync();
            dir.writeAnchor(plan.anchor(appender.seq()));
            retention.remove(plan);
        } catch (IOException | RuntimeException e) {
            LOG.error("Audit retention in {} failed; no file was removed after the failure, and it is tried again at "
                    + "the next rotation or within the hour", dir.path(), e);
        }
    }
}
