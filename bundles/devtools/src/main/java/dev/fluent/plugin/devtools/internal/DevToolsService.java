package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.PluginInspector;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.api.spi.AuditSink;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.PluginDevTools;
import dev.fluent.plugin.devtools.SecurityReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@link PluginDevTools} on the runtime's {@link PluginInspector}: validation is the inspector's load checks;
 * the security test adds {@link StaticChecks} and runs {@link DynamicProbes} in the inspector's sandbox (fake
 * capability providers only), reports what the plugin called there, and records the run in the platform's
 * audit log ({@link SecurityTestAudit}).
 */
@Component(service = PluginDevTools.class)
public final class DevToolsService implements PluginDevTools {

    private final PluginInspector inspector;
    private final ProjectGenerator generator;
    private final Clock clock;
    private final SecurityTestAudit audit;

    @Activate
    public DevToolsService(@Reference PluginInspector inspector, @Reference ManifestParser parser) {
        this(inspector, parser, Clock.systemUTC());
    }

    DevToolsService(PluginInspector inspector, ManifestParser parser, Clock clock) {
        this.inspector = inspector;
        this.generator = new ProjectGenerator(parser, clock);
        this.clock = clock;
        this.audit = new SecurityTestAudit(clock);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addAuditSink(AuditSink sink) {
        audit.add(sink);
    }

    public void removeAuditSink(AuditSink sink) {
        audit.remove(sink);
    }

    @Override
    public Path create(NewProject project) throws PluginException {
        return generator.create(project);
    }

    @Override
    public Inspection validate(Path folder) {
        return inspector.inspect(folder);
    }

    @Override
    public SecurityReport securityTest(Path folder) {
        SecurityReport report = run(folder);
        audit.record(report);
        return report;
    }

    private SecurityReport run(Path folder) {
        Inspection inspection = inspector.inspect(folder);
        List<Finding> findings = new ArrayList<>();
        // The load checks' problems, except the missing signature, which UNSIGNED reports with its reason.
        inspection.problems().stream()
                .filter(p -> !p.code().equals(ErrorCode.SIGNATURE_MISSING.name()))
                .forEach(findings::add);
        String id = inspection.manifest() == null ? null : inspection.manifest().name();
        if (inspection.manifest() == null) {
            return new SecurityReport(inspection.folder(), null, findings, 0);
        }
        findings.addAll(StaticChecks.check(inspection.manifest(), inspection.module(), clock.instant()));
        DynamicProbes probes = new DynamicProbes();
        List<SandboxCall> calls = List.of();
        if (inspection.module() != null && startable(inspection)) {
            try (Sandbox sandbox = inspector.sandbox(inspection.folder(), true)) {
                findings.addAll(probes.run(sandbox));
                calls = sandbox.hostCalls();
            } catch (PluginException e) {
                if (findings.stream().noneMatch(f -> f.code().equals(e.code().name()))) {
                    findings.add(new Finding(Severity.HIGH, e.code().name(), "the plugin does not load in the sandbox: "
                            + e.getMessage(), "run validate for every load problem"));
                }
            }
        }
        return new SecurityReport(inspection.folder(), id, findings, probes.probes(),
                inspection.manifest().capabilities(), calls, inspection.manifest().extensionCapabilities());
    }

    /** The sandbox runs the plugin unless a load check other than trust or policy failed. */
    private static boolean startable(Inspection inspection) {
        return inspection.problems().stream().allMatch(p -> switch (p.code()) {
            case "SIGNATURE_MISSING", "KEY_UNTRUSTED", "ALGORITHM_UNAVAILABLE", "CAPABILITY_NOT_GRANTED" -> true;
            default -> false;
        });
    }
}
