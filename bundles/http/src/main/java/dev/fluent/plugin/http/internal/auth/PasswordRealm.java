package dev.fluent.plugin.http.internal.auth;

import java.util.Optional;
import java.util.Set;

/** Checks a user name and password, as a JAAS realm does. */
@FunctionalInterface
public interface PasswordRealm {

    /** The user's roles when the password is right, else empty. */
    Optional<Set<String>> login(String user, char[] password);
}
