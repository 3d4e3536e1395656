package dev.fluent.plugin.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Identifies the caller of an HTTP request from its {@code Authorization} header: HTTP Basic against the JAAS
 * realm, or a bearer token the operator configured.
 */
public final class Authenticator {

    /** The challenge sent with every 401. */
    public static final String CHALLENGE = "Basic realm=\"fluent-plugin\", charset=\"UTF-8\", Bearer realm=\"fluent-plugin\"";

    /**
     * The challenge of a 401: {@link #CHALLENGE}, or only the Bearer part for a call made by a page's script
     * ({@code X-Requested-With: XMLHttpRequest}). A Basic challenge makes a browser open its own login dialog
     * over the page, which asks for the credentials itself.
     */
    public static String challenge(String requestedWith) {
        return "XMLHttpRequest".equalsIgnoreCase(requestedWith) ? "Bearer realm=\"fluent-plugin\"" : CHALLENGE;
    }

    /** Claimed user names end up in the audit log: long ones are cut. */
    private static final int MAX_CLAIMED = 64;

    private final PasswordRealm realm;
    private final BearerTokens tokens;

    public Authenticator(PasswordRealm realm, BearerTokens tokens) {
        this.realm = realm;
        this.tokens = tokens;
    }

    /**
     * @param authorization the request's {@code Authorization} header, or {@code null}
     * @throws AuthenticationFailure when it is missing, malformed, or names nobody
     */
    public Caller authenticate(String authorization) throws AuthenticationFailure {
        if (authorization == null || authorization.isBlank()) {
            throw new AuthenticationFailure("-", "credentials are required: HTTP Basic or a bearer token");
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String value = space < 0 ? "" : header.substring(space + 1).trim();
        return switch (scheme) {
            case Caller.BASIC -> basic(value);
            case Caller.BEARER -> tokens.match(value).orElseThrow(
                    () -> new AuthenticationFailure("(bearer token)", "the bearer token is not one of the configured tokens"));
            default -> throw new AuthenticationFailure("-", "unsupported authorization scheme; use Basic or Bearer");
        };
    }

    private Caller basic(String value) throws AuthenticationFailure {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailure("-", "the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new AuthenticationFailure("-", "the Basic credentials are not user:password");
        }
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Optional<Set<String>> roles = realm.login(user, password);
        Arrays.fill(password, '\0');
        if (roles.isEmpty()) {
            throw new AuthenticationFailure(claimed(user), "wrong user name or password");
        }
        return new Caller(user, Caller.BASIC, roles.get());
    }

    private static String claimed(String user) {
        return user.length() <= MAX_CLAIMED ? user : user.substring(0, MAX_CLAIMED) + "…";
    }
}
