package dev.fluent.plugin.cli;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.devtools.standalone.LocalRunOptions;
import dev.fluent.plugin.devtools.standalone.StandalonePlatform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code fluent-plugin}: the plugin author's command line. Each subcommand parses its arguments and calls the
 * same {@link AuthoringCommands} method as its {@code plugin:*} twin in the Karaf shell, on a
 * {@link dev.fluent.plugin.devtools.standalone.StandalonePlatform} (the platform's own bundles as plain jars),
 * so both print the same. Exit status 0 on success, 1 when the command fails (the plugin has errors or
 * high-severity findings; the reason on standard error), 2 on a usage error.
 */
@Command(name = "fluent-plugin", mixinStandardHelpOptions = true, version = "fluent-plugin 0.1.0",
        description = "Create, check, sign and run Fluent WebAssembly plugins outside the platform.",
        subcommands = {FluentPluginCli.Create.class, FluentPluginCli.Validate.class,
                FluentPluginCli.SecurityTest.class, FluentPluginCli.Keygen.class, FluentPluginCli.Sign.class,
                FluentPluginCli.Inspect.class, FluentPluginCli.Run.class, FluentPluginCli.Package.class})
public final class FluentPluginCli {

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FluentPluginCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(e instanceof PluginException p ? p.toString() : "error: " + e.getMessage());
            return CliCommand.FAILED;
        });
        return cli.execute(args);
    }

    @Command(name = "create",
            description = "Writes a new plugin project: Rust (a Cargo package) or C source on its PDK, manifest,"
                    + " build.sh, README.")
    static final class Create extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The plugin id (lowercase letters, digits, - _ .)")
        String name;

        @Parameters(index = "1", paramLabel = "ENGINE_TYPE", description = "The engine type, e.g. openai")
        String engineType;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = ".",
                description = "Where the project folder goes (default: .)")
        Path output;

        @Option(names = "--capabilities", paramLabel = "CAPABILITY", description = "Capabilities to declare"
                + " (NetworkAccess, LoggingAccess …), repeated or comma-separated")
        List<String> capabilities = new ArrayList<>();

        @Option(names = "--author", defaultValue = "", description = "The manifest's author")
        String author;

        @Option(names = "--language", defaultValue = "rust", paramLabel = "LANGUAGE",
                description = "rust (default: a Cargo package on the Rust PDK) or c (on the C PDK)")
        String language;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.create(name, engineType, capabilities, output, author, language, console);
        }
    }

    @Command(name = "validate", description = "Runs every load check and reports every problem with its fix.")
    static final class Validate extends CliCommand.Checking {
        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.validate(folder, json, console);
        }
    }

    @Command(name = "security-test", description = "Static and dynamic security findings, and what the"
            + " plugin called per capability (in a sandbox of fake providers: no network, no real files, configuration or environment);"
            + " fails on high severity.")
    static final class SecurityTest extends CliCommand.Checking {
        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.securityTest(folder, json, console);
        }
    }

    @Command(name = "keygen", description = "Makes a signing key pair: private.pem (owner-only) and public.pem.")
    static final class Keygen extends CliCommand {
        @Option(names = "--algorithm", defaultValue = PluginSigner.ED25519, description = "ed25519 (default) or rsa")
        String algorithm;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder for the two files")
        Path out;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.keygen(algorithm, out, console);
        }
    }

    @Command(name = "sign", description = "Sets each folder's checksum, signs its manifest, writes it back.")
    static final class Sign extends CliCommand {
        @Option(names = "--key", required = true, paramLabel = "PRIVATE_PEM", description = "The private key")
        Path key;

        @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "Plugin folders")
        List<Path> folders;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.sign(key, folders, console);
        }
    }

    @Command(name = "inspect",
            description = "Shows a plugin's manifest and module: capabilities, limits, imports, exports, memory.")
    static final class Inspect extends CliCommand.Checking {
        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.inspect(folder, console);
        }
    }

    @Command(name = "run",
            description = "Executes one request locally, with the platform's runtime, checks and limits: on the"
                    + " platform's real capability providers under the local policy (local-policy.json in the"
                    + " folder, or --local-policy), otherwise on fakes. Which one is said on standard error.")
    static final class Run extends CliCommand.Checking {
        @Option(names = "--local-policy", paramLabel = "JSON", description = "The local policy to run under"
                + " (default: local-policy.json in the plugin folder, if there is one)")
        Path localPolicy;

        @Option(names = "--fakes", description = "Serve every capability with fakes even when a local policy"
                + " exists (for a folder you did not write)")
        boolean fakes;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder")
        Path folder;

        @Parameters(index = "1", paramLabel = "PAYLOAD", description = "The request's payload")
        String payload;

        @Option(names = "--flow",
                description = "The request's flow name (default " + AuthoringCommands.DEFAULT_FLOW + ")")
        String flow;

        @Option(names = "--json", description = "Print the whole response as JSON")
        boolean json;

        @Override
        StandalonePlatform platform() {
            if (fakes && localPolicy != null) {
                throw new ParameterException(spec.commandLine(), "--fakes and --local-policy exclude each other");
            }
            return StandalonePlatform.start(checks.trust, checks.dev, checks.policy,
                    new LocalRunOptions(localPolicy, fakes, spec.commandLine().getErr()::println));
        }

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.run(folder, payload, flow, json, console);
        }
    }

    @Command(name = "package", description = "Writes the plugin as a Maven artifact: <name>-<version>.zip (manifest.json"
            + " and plugin.wasm only) and a minimal <name>-<version>.pom, for mvn deploy:deploy-file; the platform"
            + " loads it with plugin:load mvn:<group>/<name>/<version>/zip.")
    static final class Package extends CliCommand {
        @Option(names = "--group", required = true, paramLabel = "GROUP_ID",
                description = "The Maven group id, e.g. org.example.plugins")
        String group;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = ".",
                description = "Where the two files go (default: .)")
        Path output;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "The plugin folder, built and signed")
        Path folder;

        @Override
        void run(AuthoringCommands commands, Console console) throws CommandFailure {
            commands.packageArchive(folder, group, output, console);
        }
    }
}
