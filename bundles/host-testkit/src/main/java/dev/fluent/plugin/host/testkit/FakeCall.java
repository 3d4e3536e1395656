package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.Capability;

/**
 * One call a fake provider served.
 *
 * @param capability the capability of the function called
 * @param function the host function ({@code http_request} …)
 * @param argument what it was called on, summarised (a method and URL, a key, a path); never a value or a body
 * @param outcome {@link #ANSWERED}, {@link #NOT_FOUND}, or the code of the refusal or fault
 */
public record FakeCall(Capability capability, String function, String argument, String outcome) {

    public static final String ANSWERED = "answered";
    public static final String NOT_FOUND = "not found";
}
