package dev.fluent.plugin.http.internal.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who made an HTTP call.
 *
 * @param name the realm's user name, the configured name of a bearer token, or {@code anonymous}
 * @param scheme how the caller was identified: {@code basic}, {@code bearer} or {@code anonymous}
 * @param roles the caller's roles
 */
public record Caller(String name, String scheme, Set<String> roles) {

    public static final String BASIC = "basic";
    public static final String BEARER = "bearer";
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scheme, "scheme");
        roles = Set.copyOf(roles);
    }

    /** A call let through without credentials (only the metrics, when the operator allows it). */
    public static Caller anonymous() {
        return new Caller(ANONYMOUS, ANONYMOUS, Set.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
