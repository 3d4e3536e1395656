package dev.fluent.plugin.api.inspect;

import dev.fluent.plugin.api.Capability;
import java.util.Objects;

/**
 * One host function call a plugin made in a {@link Sandbox}, where every capability is served by a fake that
 * records the call and answers without touching the network, the files, the configuration or the environment
 * of the platform.
 *
 * @param capability the capability the function belongs to
 * @param function the host function of import module {@code fluent} ({@code http_request}, {@code config_get} …)
 * @param argument what it was called on, summarised: a method and URL, a key, a variable name, a path, a metric
 *        name, a log level with the line's length; never a value or a body
 * @param outcome how the fake answered: {@code answered}, {@code not found}, or the refusal's code
 *        ({@code ACCESS_DENIED}, {@code LIMIT_EXCEEDED}) when the call was outside the manifest's permissions
 * @since 1.1
 */
public record SandboxCall(Capability capability, String function, String argument, String outcome) {

    public SandboxCall {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(function, "function");
        argument = argument == null ? "" : argument;
        Objects.requireNonNull(outcome, "outcome");
    }
}
