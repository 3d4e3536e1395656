package dev.fluent.plugin.api.inspect;

import java.util.Objects;

/**
 * One problem found in a plugin.
 *
 * @param severity how much it matters
 * @param code a stable code: an {@link dev.fluent.plugin.api.ErrorCode} name for the load checks, or the
 *        authoring tools' own (e.g. {@code UNUSED_CAPABILITY})
 * @param message what is wrong, naming the thing
 * @param fix what the author does about it
 */
public record Finding(Severity severity, String code, String message, String fix) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        fix = fix == null ? "" : fix;
    }

    /** {@code SEVERITY CODE: message}. */
    @Override
    public String toString() {
        return severity + " " + code + ": " + message;
    }
}
