package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.PluginInspector;
import dev.fluent.plugin.api.inspect.Severity;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.PluginDevTools;
import dev.fluent.plugin.devtools.ProjectLanguage;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.devtools.SecurityReport;
import dev.fluent.plugin.trust.signing.SigningCommands;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@link AuthoringCommands} on the platform's services: the devtools for create, validate and security-test,
 * the inspector for inspect, {@link PluginRuns} for run, the signer (through the trust bundle's {@link SigningCommands}, which the
 * build scripts' signer shares) for keygen and sign. Reports are rendered by {@link Reports} only.
 */
@Component(service = AuthoringCommands.class)
public final class AuthoringCommandsService implements AuthoringCommands {

    private final PluginDevTools devtools;
    private final PluginInspector inspector;
    private final SigningCommands signing;
    /** The platform's signer and those of other bundles, by algorithm. */
    private final Signers signers;
    private final PluginRuns runs;

    /** In Karaf: {@code run} uses the inspector's sandbox of fakes ({@link PluginRuns#inSandbox}). */
    @Activate
    public AuthoringCommandsService(@Reference PluginDevTools devtools, @Reference PluginInspector inspector,
            @Reference PluginSigner signer) {
        this(devtools, inspector, signer, PluginRuns.inSandbox(inspector));
    }

    /** @param runs where {@code run} runs a request (the command line's may use the real providers) */
    public AuthoringCommandsService(PluginDevTools devtools, PluginInspector inspector, PluginSigner signer,
            PluginRuns runs) {
        this.devtools = devtools;
        this.inspector = inspector;
        this.signers = new Signers(signer);
        this.signing = new SigningCommands(signers);
        this.runs = runs;
    }

    @Override
    public void create(String name, String engineType, List<String> capabilities, Path output, String author,
            String language, Console console) throws CommandFailure {
        ProjectLanguage lang = language == null ? ProjectLanguage.RUST : ProjectLanguage.fromId(language)
                .orElseThrow(() -> new CommandFailure("unknown language " + language + "; known: "
                        + Arrays.stream(ProjectLanguage.values()).map(ProjectLanguage::id).toList()));
        try {
            Path folder = devtools.create(new NewProject(name, engineType, capabilities(capabilities), output, author,
                    lang));
            console.println("Created " + folder + "; build it with " + folder.resolve("build.sh"));
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }

    /** Names as the manifest spells them, repeated or comma-separated. */
    private static Set<Capability> capabilities(List<String> names) throws CommandFailure {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (String value : names == null ? List.<String>of() : names) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    caps.add(Capability.fromManifestName(name.trim()).orElseThrow(() -> new CommandFailure(
                            "MANIFEST_INVALID: unknown capability " + name.trim() + "; known: "
                                    + List.of(Capability.values()))));
                }
            }
        }
        return caps;
    }

    @Override
    public void validate(Path folder, boolean json, Console console) throws CommandFailure {
        Inspection inspection = devtools.validate(folder);
        report(json ? Reports.json(inspection) : Reports.text(inspection.problems()), inspection.loads(),
                Reports.summary(inspection), json, console);
    }

    @Override
    public void securityTest(Path folder, boolean json, Console console) throws CommandFailure {
        SecurityReport report = devtools.securityTest(folder);
        report(json ? Reports.json(report) : Reports.text(report.findings()) + Reports.hostCalls(report),
                !report.failed(), report.summary(), json, console);
    }

    @Override
    public void inspect(Path folder, Console console) throws CommandFailure {
        Inspection inspection = inspector.inspect(folder);
        Reports.facts(inspection).forEach(console::println);
        List<Finding> problems = inspection.problems();
        boolean onlyUntrusted = !inspection.loads() && problems.stream()
                .filter(p -> p.severity() == Severity.HIGH)
                .allMatch(p -> p.code().equals(ErrorCode.KEY_UNTRUSTED.name()));
        if (onlyUntrusted) {
            // An author looking at a plugin signed by a key this machine does not trust: that is for the platform
            // that loads it to decide, not a reason for inspect to fail. validate still fails on it.
            Reports.text(problems).replace("HIGH   " + ErrorCode.KEY_UNTRUSTED.name(),
                    "WARN   " + ErrorCode.KEY_UNTRUSTED.name()).lines().forEach(console::println);
            console.println("inspect " + inspection.manifest().name() + ": passes every other load check; it loads"
                    + " where its signer's key is trusted");
            return;
        }
        report(Reports.text(problems), inspection.loads(), Reports.summary(inspection), false, console);
    }

    @Override
    public void run(Path folder, String payload, String flow, boolean json, Console console) throws CommandFailure {
        try {
            EngineResponse response = runs.run(folder, new EngineRequest(flow == null ? DEFAULT_FLOW : flow, payload));
            console.println(json ? Reports.json(response) : response.content());
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }

    /** A signer of another bundle started (one with a {@code signature.algorithm} property): keygen and sign use it. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addSigner(PluginSigner signer, Map<String, Object> properties) {
        signers.add(signer, properties);
    }

    public void removeSigner(PluginSigner signer) {
        signers.remove(signer);
    }

    @Override
    public List<String> signingAlgorithms() {
        return signers.algorithms();
    }

    @Override
    public void keygen(String algorithm, Path directory, Console console) throws CommandFailure {
        try {
            signing.keygen(algorithm, directory, console::println);
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }

    @Override
    public void sign(Path privateKey, List<Path> folders, Console console) throws CommandFailure {
        try {
            signing.sign(privateKey, folders, console::println);
        } catch (PluginException e) {
            throw new CommandFailure(e);
        }
    }

    @Override
    public void packageArchive(Path folder, String group, Path output, Console console) throws CommandFailure {
        PluginPackager.Packaged packaged = PluginPackager.write(folder, group, output);
        console.println("Wrote " + packaged.archive() + " and " + packaged.pom());
        console.println("Deploy: mvn deploy:deploy-file -Dfile=" + packaged.archive() + " -DpomFile=" + packaged.pom()
                + " -Durl=<repository URL> -DrepositoryId=<server id in settings.xml>");
        console.println("Load: plugin:load " + packaged.location());
    }

    /**
     * Writes a report, then its one-line summary; a failing report fails with the summary instead, and a JSON
     * report (one line, for machines) is never followed by it.
     */
    private static void report(String body, boolean passed, String summary, boolean json, Console console)
            throws CommandFailure {
        body.lines().forEach(console::println);
        if (!passed) {
            throw new CommandFailure(summary);
        }
        if (!json) {
            console.println(summary);
        }
    }
}
