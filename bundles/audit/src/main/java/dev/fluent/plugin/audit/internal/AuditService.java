package dev.fluent.plugin.audit.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.AuditStatus;
import dev.fluent.plugin.api.AuditVerification;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.audit.internal.read.ChainVerifier;
import dev.fluent.plugin.audit.internal.read.QueryRunner;
import dev.fluent.plugin.audit.internal.write.AuditConfig;
import dev.fluent.plugin.audit.internal.write.AuditSettings;
import dev.fluent.plugin.audit.internal.write.AuditWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: the {@link AuditSink} the runtime hands every action to, and the {@link AuditLog} the shell
 * queries, verifies and has gaps acknowledged in ({@link Acknowledgements}). Entries are written by an
 * {@link AuditWriter}; each written entry is also posted to EventAdmin, when present, on
 * {@code dev/fluent/plugin/audit/<ACTION>} ({@link AuditActions#topic}).
 */
@Component(service = {AuditSink.class, AuditLog.class}, immediate = true, configurationPid = AuditService.PID)
@Designate(ocd = AuditConfig.class)
public final class AuditService implements AuditSink, AuditLog {

    public static final String PID = "dev.fluent.plugin.audit";
    /** How long a query or verification waits for the writer to reach what was recorded before it. */
    public static final long CATCH_UP_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);

    private final AuditWriter writer;
    private final boolean postEvents;
    private final Acknowledgements acknowledgements;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public volatile EventAdmin eventAdmin;

    @Activate
    public AuditService(AuditConfig config) throws IOException {
        this(AuditSettings.from(config), Clock.systemUTC());
    }

    /** Outside OSGi (tests, benchmarks): the settings as they are, the clock given. */
    public AuditService(AuditSettings settings, Clock clock) throws IOException {
        this.postEvents = settings.postEvents();
        this.writer = new AuditWriter(settings, clock, new AuditWriter.Listener() {
            @Override
            public boolean active() {
                return postEvents && eventAdmin != null;
            }

            @Override
            public void written(AuditRecord record) {
                EventAdmin events = eventAdmin;
                if (events != null) {
                    events.postEvent(AuditEvents.toEvent(record));
                }
            }
        });
        this.acknowledgements = new Acknowledgements(new Acknowledgements.Log() {
            @Override
            public void record(AuditEvent event) {
                writer.record(event);
            }

            @Override
            public boolean recordDurably(AuditEvent event, long millis) {
                return writer.recordDurably(event, millis);
            }
        }, this::verify, this::query, clock);
        LOG.info("Audit log in {} continues at seq {}", settings.directory(), writer.extent().seq() + 1);
    }

    @Deactivate
    public void deactivate() {
        writer.close();
    }

    @Override
    public void record(AuditEvent event) {
        writer.record(event);
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        catchUp(false);
        try {
            return QueryRunner.query(writer.directory(), writer.extent(), query);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the audit log in " + writer.directory().path() + " failed", e);
        }
    }

    @Override
    public AuditVerification verify() {
        catchUp(true);
        try {
            return ChainVerifier.verify(writer.directory(), writer.extent());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the audit log in " + writer.directory().path() + " failed", e);
        }
    }

    @Override
    public AuditRecord acknowledge(String entry, String operator, String reason) throws PluginException {
        return acknowledgements.acknowledge(entry, operator, reason);
    }

    @Override
    public AuditStatus status() {
        return writer.status();
    }

    /** Waits until everything recorded before the call is written and forced to disk; {@code false} on timeout. */
    public boolean sync(long timeoutMillis) {
        return writer.awaitWritten(timeoutMillis, true);
    }

    private void catchUp(boolean sync) {
        if (!writer.awaitWritten(CATCH_UP_MILLIS, sync)) {
            LOG.warn("The audit writer did not catch up within {} ms; the answer may miss the newest entries",
                    CATCH_UP_MILLIS);
        }
    }
}
