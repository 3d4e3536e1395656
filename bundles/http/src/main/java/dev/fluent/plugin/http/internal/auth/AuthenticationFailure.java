package dev.fluent.plugin.http.internal.auth;

/**
 * Credentials that are missing or do not identify anyone. Answered with 401 and a {@code WWW-Authenticate}
 * challenge; the message never repeats a password or a token.
 */
public final class AuthenticationFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String claimed;

    /**
     * @param claimed the user name the caller claimed (HTTP Basic), or a placeholder naming the scheme; never a
     *        secret
     */
    public AuthenticationFailure(String claimed, String message) {
        super(message);
        this.claimed = claimed;
    }

    /** What the audit entry records as the caller. */
    public String claimed() {
        return claimed;
    }
}
