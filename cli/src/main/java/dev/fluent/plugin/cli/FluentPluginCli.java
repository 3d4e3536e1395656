package dev.fluent.plugin.cli;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.ModuleFacts;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.devtools.SecurityReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fluent-plugin}: the plugin author's command line. Each subcommand parses, calls the platform's own
 * code (the devtools, runtime, manifest and trust bundles as plain jars) and prints; exit status 0 on
 * success, 1 when the plugin has errors (or high-severity findings), 2 on a usage error.
 */
@Command(name = "fluent-plugin", mixinStandardHelpOptions = true, version = "fluent-plugin 0.1.0",
        description = "Create, check, sign and run Fluent WebAssembly plugins outside the platform.",
        subcommands = {FluentPluginCli.Create.class, FluentPluginCli.Validate.class,
                FluentPluginCli.SecurityTest.class, FluentPluginCli.Keygen.class, FluentPluginCli.Sign.class,
                FluentPluginCli.Inspect.class, FluentPluginCli.Run.class})
public final class FluentPluginCli {

    static final int OK = 0;
    static final int FAILED = 1;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FluentPluginCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(e instanceof PluginException p ? p.toString() : "error: " + e.getMessage());
            return FAILED;
        });
        return cli.execute(args);
    }

    /** The options that say how a plugin is checked: keys trusted, development mode, operator policy. */
    static final class Checks {
        @Option(names = "--trust", paramLabel = "PUBLIC_PEM",
                description = "A public key whose signatures verify (repeatable)")
        List<Path> trust = new ArrayList<>();

        @Option(names = "--dev", description = "Development mode: an unsigned plugin loads (as with"
                + " development.mode=true on the platform)")
        boolean dev;

        @Option(names = "--policy", paramLabel = "CFG",
                description = "The operator's policy, an etc/dev.fluent.plugin.cfg file")
        Path policy;

        Local local() {
            return new Local(trust, dev, policy);
        }
    }

    @Command(name = "create", description = "Writes a new plugin project: Rust source on the PDK, manifest, build.sh, README.")
    static final class Create implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The plugin id (lowercase letters, digits, - _ .)")
        String name;

        @Parameters(index = "1", paramLabel = "ENGINE_TYPE", description = "The engine type, e.g. openai")
        String engineType;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = ".", description = "Where the project folder goes (default: .)")
        Path output;

        @Option(names = "--capabilities", split = ",", paramLabel = "CAPABILITY",
                description = "Capabilities to declare, comma-separated: ${COMPLETION-CANDIDATES}")
        List<String> capabilities = new ArrayList<>();

        @Option(names = "--author", defaultValue = "", description = "The manifest's author")
        String author;

        @Override
        public Integer call() throws PluginException {
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            for (String c : capabilities) {
                caps.add(Capability.fromManifestName(c.trim()).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "unknown capability " + c + "; known: " + List.of(Capability.values()))));
            }
            try (Local local = new Local(List.of(), false, null)) {
                Path folder = local.devtools.create(new NewProject(name, engineType, caps, output, author));
                spec.commandLine().getOut().println("created " + folder + "; next: " + folder.resolve("build.sh"));
            }
            return OK;
        }
    }

    @Command(name = "validate", description = "Runs every load check and reports every problem with its fix.")
    static final class Validate implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Checks checks;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            try (Local local = checks.local()) {
                Inspection inspection = local.devtools.validate(folder);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Reports.json(inspection));
                } else {
                    out.print(Reports.text(inspection.problems()));
                    out.println(Reports.summary(inspection));
                }
                return inspection.loads() ? OK : FAILED;
            }
        }
    }

    @Command(name = "security-test", description = "Static and dynamic security findings; fails on high severity.")
    static final class SecurityTest implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Checks checks;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            try (Local local = checks.local()) {
                SecurityReport report = local.devtools.securityTest(folder);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Reports.json(report));
                } else {
                    out.print(Reports.text(report.findings()));
                    out.println(report.summary());
                }
                return report.failed() ? FAILED : OK;
            }
        }
    }

    @Command(name = "keygen", description = "Makes a signing key pair: private.pem (owner-only) and public.pem.")
    static final class Keygen implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--algorithm", defaultValue = "ed25519", description = "ed25519 (default) or rsa")
        String algorithm;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder for the two files")
        Path out;

        @Override
        public Integer call() throws PluginException {
            try (Local local = new Local(List.of(), false, null)) {
                GeneratedKeyPair pair = local.signer.generateKeyPair(algorithm, out);
                spec.commandLine().getOut().println(pair.algorithm() + " key " + pair.keyId() + ": "
                        + pair.privateKeyFile() + " (private), " + pair.publicKeyFile() + " (public)");
            }
            return OK;
        }
    }

    @Command(name = "sign", description = "Sets each folder's checksum, signs its manifest, writes it back.")
    static final class Sign implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", required = true, paramLabel = "PRIVATE_PEM", description = "The private key")
        Path key;

        @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "Plugin folders")
        List<Path> folders;

        @Override
        public Integer call() throws PluginException {
            try (Local local = new Local(List.of(), false, null)) {
                for (Path folder : folders) {
                    PluginManifest m = local.signer.sign(key, folder);
                    spec.commandLine().getOut().println("signed " + m.name() + " " + m.version() + " with key "
                            + m.signatureKeyId() + " (checksum " + m.checksum() + ")");
                }
            }
            return OK;
        }
    }

    @Command(name = "inspect", description = "Shows a plugin's manifest and module: capabilities, limits, imports, exports, memory.")
    static final class Inspect implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Checks checks;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Override
        public Integer call() {
            try (Local local = checks.local()) {
                Inspection i = local.inspection.inspect(folder);
                PrintWriter out = spec.commandLine().getOut();
                PluginManifest m = i.manifest();
                if (m != null) {
                    out.printf("plugin        %s %s (engine %s)%n", m.name(), m.version(), m.engineType());
                    out.printf("capabilities  %s%n", m.capabilities().isEmpty() ? "none" : m.capabilities());
                    out.printf("limits        %s%n", m.permissions());
                    out.printf("signed        %s%n", m.signature() == null ? "no" : "by key " + m.signatureKeyId());
                    out.printf("valid         %s .. %s%n", m.createdAt(), m.expiresAt() == null ? "never expires" : m.expiresAt());
                }
                ModuleFacts f = i.module();
                if (f != null) {
                    out.printf("module        %d bytes, memory %d pages initial, %s maximum%n", f.sizeBytes(),
                            f.initialMemoryPages(), f.maximumMemoryPages() < 0 ? "no" : f.maximumMemoryPages() + " pages");
                    out.printf("imports       %s%n", f.imports().isEmpty() ? "none" : String.join(", ", f.imports()));
                    out.printf("exports       %s%n", String.join(", ", f.exports()));
                }
                out.print(Reports.text(i.problems()));
                out.println(Reports.summary(i));
                return i.loads() ? OK : FAILED;
            }
        }
    }

    @Command(name = "run", description = "Executes one request locally, with the platform's runtime, checks and limits.")
    static final class Run implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Checks checks;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Parameters(index = "1", paramLabel = "PAYLOAD", description = "The request's payload")
        String payload;

        @Option(names = "--flow", defaultValue = "cli", description = "The request's flow name")
        String flow;

        @Option(names = "--json", description = "Print the whole response as JSON")
        boolean json;

        @Override
        public Integer call() throws PluginException {
            try (Local local = checks.local(); Sandbox sandbox = local.inspection.sandbox(folder, checks.dev)) {
                EngineResponse r = sandbox.execute(new EngineRequest(flow, payload));
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Reports.json(r));
                } else {
                    out.println(r.content());
                }
            }
            return OK;
        }
    }
}
