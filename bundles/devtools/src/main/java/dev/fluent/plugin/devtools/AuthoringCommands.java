package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.spi.PluginSigner;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The plugin author's commands, written once for both front ends: the Karaf shell ({@code plugin:create},
 * {@code plugin:validate} …) and the {@code fluent-plugin} command line. Each front end parses its own
 * arguments into these typed options, calls one method and is done: the method does the work, writes its
 * report to the {@link Console} and, when the command fails, throws the one line to show for it. Both front
 * ends therefore print the same.
 *
 * <p>In OSGi this is a service on the platform's {@link PluginDevTools}, {@code PluginInspector} and
 * {@link PluginSigner}; outside, {@code dev.fluent.plugin.devtools.standalone.StandalonePlatform} builds it.
 */
@ProviderType
public interface AuthoringCommands {

    /** The flow name {@link #run} sends when none is given. */
    String DEFAULT_FLOW = "cli";

    /**
     * Writes a new plugin project (see {@link PluginDevTools#create}).
     *
     * @param capabilities capability names as the manifest spells them ({@code LoggingAccess}), each entry
     *        possibly a comma-separated list
     * @throws CommandFailure {@code MANIFEST_INVALID} for an unknown capability, or what
     *         {@link PluginDevTools#create} refuses
     */
    default void create(String name, String engineType, List<String> capabilities, Path output, String author,
            Console console) throws CommandFailure {
        create(name, engineType, capabilities, output, author, null, console);
    }

    /**
     * Writes a new plugin project in a language (see {@link PluginDevTools#create}).
     *
     * @param language a {@link ProjectLanguage#id()} ({@code rust}, {@code c}), in any case; {@code null} for Rust
     * @throws CommandFailure for an unknown language, and as {@link #create(String, String, List, Path, String,
     *         Console)}
     */
    void create(String name, String engineType, List<String> capabilities, Path output, String author,
            String language, Console console) throws CommandFailure;

    /**
     * Every load check, every problem with its fix, then a one-line summary ({@code --json}: one JSON object).
     *
     * @throws CommandFailure with the summary when the plugin does not load
     */
    void validate(Path folder, boolean json, Console console) throws CommandFailure;

    /**
     * Static and dynamic security findings, then a one-line summary ({@code --json}: one JSON object).
     *
     * @throws CommandFailure with the summary on a high-severity finding
     */
    void securityTest(Path folder, boolean json, Console console) throws CommandFailure;

    /**
     * The manifest and the module (capabilities, limits, signer, validity, imports, exports, memory), then
     * what {@link #validate} reports. A signature by a key not trusted here is a warning ({@code WARN
     * KEY_UNTRUSTED}), not a failure: inspecting is looking, and trust is the loading platform's decision.
     *
     * @throws CommandFailure with the summary when the plugin does not load for any other reason
     */
    void inspect(Path folder, Console console) throws CommandFailure;

    /**
     * Loads the plugin in a private sandbox, with the platform's checks and limits, runs one request and writes
     * the response's content ({@code json}: the whole response, on one line).
     *
     * @param flow the request's flow name; {@code null} for {@value #DEFAULT_FLOW}
     * @throws CommandFailure when the plugin does not load or the execution fails ({@code TIMEOUT: …})
     */
    void run(Path folder, String payload, String flow, boolean json, Console console) throws CommandFailure;

    /**
     * Makes a signing key pair in {@code directory} (see {@link PluginSigner#generateKeyPair}).
     *
     * @param algorithm one of {@link #signingAlgorithms()}; {@code null} for the first
     */
    void keygen(String algorithm, Path directory, Console console) throws CommandFailure;

    /**
     * The algorithms keys can be made for and plugins signed with now: {@value PluginSigner#ED25519} and
     * {@value PluginSigner#RSA}, then those of the signers other bundles register beside their verifiers.
     *
     * @since 1.4
     */
    default List<String> signingAlgorithms() {
        return List.of(PluginSigner.ED25519, PluginSigner.RSA);
    }

    /** Sets each folder's checksum and signs its manifest (see {@link PluginSigner#sign}), a line for each. */
    void sign(Path privateKey, List<Path> folders, Console console) throws CommandFailure;

    /**
     * Writes the plugin in {@code folder} as a Maven artifact into {@code output}: {@code <name>-<version>.zip}
     * (only {@code manifest.json} and {@code plugin.wasm}, reproducible) and {@code <name>-<version>.pom}, then
     * the command that deploys them and the {@code mvn:} location the platform loads them from.
     *
     * @param group the Maven group id
     * @throws CommandFailure when the folder is not a plugin whose checksum matches its module
     * @since 1.4
     */
    void packageArchive(Path folder, String group, Path output, Console console) throws CommandFailure;
}
