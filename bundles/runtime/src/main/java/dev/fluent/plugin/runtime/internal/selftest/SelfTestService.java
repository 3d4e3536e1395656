package dev.fluent.plugin.runtime.internal.selftest;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import dev.fluent.plugin.runtime.internal.lifecycle.AfterBoot;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link SelfTestRun} once per start of the runtime bundle, on a thread of its own, {@link AfterBoot}
 * Karaf has started its boot features: the test takes a core for a second or so, which a container still
 * starting its bundles needs more. The outcome is logged and audited ({@link AuditActions#SELF_TEST}).
 */
@Component(immediate = true)
public final class SelfTestService {

    private static final Logger LOG = LoggerFactory.getLogger(SelfTestService.class);

    private final ManifestParser parser;
    private final Auditor auditor = new Auditor(Clock.systemUTC());
    private final Watchdog watchdog = new Watchdog();
    private final AtomicReference<CompletableFuture<SelfTestRun.Outcome>> run = new AtomicReference<>();
    private final AfterBoot afterBoot;

    @Activate
    public SelfTestService(BundleContext context, @Reference ManifestParser parser) throws InvalidSyntaxException {
        this.parser = parser;
        this.afterBoot = new AfterBoot(context, "fluent-plugin-self-test", this::start);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addAuditSink(AuditSink sink) {
        auditor.addSink(sink);
    }

    public void removeAuditSink(AuditSink sink) {
        auditor.removeSink(sink);
    }

    /** Starts the test once; later calls return the first run. */
    public CompletableFuture<SelfTestRun.Outcome> start() {
        CompletableFuture<SelfTestRun.Outcome> started = new CompletableFuture<>();
        if (!run.compareAndSet(null, started)) {
            return run.get();
        }
        Thread t = new Thread(() -> started.complete(runAndReport()), "fluent-plugin-self-test");
        t.setDaemon(true);
        t.start();
        return started;
    }

    private SelfTestRun.Outcome runAndReport() {
        SelfTestRun.Outcome outcome = SelfTestRun.run(parser, watchdog);
        Map<String, String> details = Map.of("duration_ms", Long.toString(outcome.millis()));
        if (outcome.passed()) {
            LOG.info("Self-test passed in {} ms: {}", outcome.millis(), outcome.detail());
            auditor.success(null, AuditActions.SELF_TEST, "runtime", details);
        } else {
            LOG.error("Self-test FAILED: this JVM may not run plugins correctly: {}", outcome.detail());
            auditor.failure(null, AuditActions.SELF_TEST, "runtime", new PluginException(ErrorCode.INTERNAL, null,
                    "the runtime's self-test failed: " + outcome.detail()), details);
        }
        return outcome;
    }

    @Deactivate
    public void deactivate() {
        afterBoot.close();
        watchdog.close();
    }
}
