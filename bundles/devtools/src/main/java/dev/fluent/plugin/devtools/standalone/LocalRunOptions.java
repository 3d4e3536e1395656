package dev.fluent.plugin.devtools.standalone;

import dev.fluent.plugin.devtools.Console;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the standalone platform's {@code run} serves a plugin's capabilities: by the platform's real providers
 * under the author's local policy ({@code local-policy.json} in the plugin folder, or {@code policy} when given),
 * or by the sandbox's fakes when there is none or {@code fakes} is set. {@code notes} receives the one line
 * saying which (the command line's standard error, so standard output stays the response).
 *
 * @param policy a local policy file, or {@code null} for the plugin folder's {@code local-policy.json} if any
 * @param fakes run on the fakes even when a local policy exists (a folder one did not write, say)
 * @param notes where the line saying which providers served the run goes
 */
public record LocalRunOptions(Path policy, boolean fakes, Console notes) {

    public LocalRunOptions {
        Objects.requireNonNull(notes, "notes");
    }

    /** The plugin folder's local policy if it has one, else the fakes; the note on standard error. */
    public static LocalRunOptions defaults() {
        return new LocalRunOptions(null, false, System.err::println);
    }
}
