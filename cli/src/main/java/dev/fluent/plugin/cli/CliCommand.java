package dev.fluent.plugin.cli;

import dev.fluent.plugin.devtools.AuthoringCommands;
import dev.fluent.plugin.devtools.CommandFailure;
import dev.fluent.plugin.devtools.Console;
import dev.fluent.plugin.devtools.standalone.StandalonePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A subcommand: picocli parses the arguments into the subclass's fields, {@link #run} hands them to one
 * {@link AuthoringCommands} method of a {@link StandalonePlatform}, which prints to standard output; its
 * {@link CommandFailure} is the one line on standard error and exit status 1.
 */
abstract class CliCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    /** Calls the command's method with the parsed arguments. */
    abstract void run(AuthoringCommands commands, Console console) throws CommandFailure;

    /** The platform the command runs on: nothing trusted, production mode, the default policy. */
    StandalonePlatform platform() {
        return StandalonePlatform.start();
    }

    @Override
    public final Integer call() {
        try (StandalonePlatform platform = platform()) {
            run(platform.commands(), spec.commandLine().getOut()::println);
            return OK;
        } catch (CommandFailure failure) {
            spec.commandLine().getErr().println(failure.getMessage());
            return FAILED;
        } finally {
            spec.commandLine().getOut().flush();
        }
    }

    /**
     * A command that checks a plugin: the platform it runs on trusts the keys given, is in development mode or
     * not, and applies the operator's policy, as the platform in Karaf has them from its configuration.
     */
    abstract static class Checking extends CliCommand {
        @Mixin
        Checks checks;

        @Override
        StandalonePlatform platform() {
            return StandalonePlatform.start(checks.trust, checks.dev, checks.policy);
        }
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
    }
}
