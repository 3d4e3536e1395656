package dev.fluent.plugin.http.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    /** Header problems are found before any realm is asked: this one fails the test if it is. */
    private static final PasswordRealm NEVER_ASKED = (user, password) -> {
        throw new AssertionError("the realm was asked for " + user);
    };

    private final BearerTokens tokens = BearerTokens.parse(
            new String[] {"deploy-bot:" + BearerTokens.hash("t0ken") + ":admin"}, new ArrayList<>());

    @Test
    void aPagesScriptIsChallengedWithoutBasicSoTheBrowserOpensNoDialogOfItsOwn() {
        assertEquals(Authenticator.CHALLENGE, Authenticator.challenge(null));
        assertTrue(Authenticator.CHALLENGE.startsWith("Basic"));
        String scripted = Authenticator.challenge("XMLHttpRequest");
        assertTrue(scripted.startsWith("Bearer") && !scripted.contains("Basic"), scripted);
    }

    @Test
    void identifiesABearerTokenWhateverTheSchemesCase() throws AuthenticationFailure {
        Authenticator authenticator = new Authenticator(NEVER_ASKED, tokens);

        assertEquals(new Caller("deploy-bot", Caller.BEARER, Set.of("admin")), authenticator.authenticate("Bearer t0ken"));
        assertEquals("deploy-bot", authenticator.authenticate("bearer   t0ken").name());
    }

    @Test
    void refusesAWrongTokenWithoutRepeatingIt() {
        Authenticator authenticator = new Authenticator(NEVER_ASKED, tokens);

        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class,
                () -> authenticator.authenticate("Bearer wrong-token"));
        assertTrue(!failure.getMessage().contains("wrong-token") && !failure.claimed().contains("wrong-token"));
    }

    @Test
    void refusesMissingMalformedAndUnknownCredentials() {
        Authenticator authenticator = new Authenticator(NEVER_ASKED, tokens);

        assertThrows(AuthenticationFailure.class, () -> authenticator.authenticate(null));
        assertThrows(AuthenticationFailure.class, () -> authenticator.authenticate(""));
        assertThrows(AuthenticationFailure.class, () -> authenticator.authenticate("Basic %%%not-base64"));
        assertThrows(AuthenticationFailure.class, () -> authenticator.authenticate("Basic " + base64("no-colon")));
        assertThrows(AuthenticationFailure.class, () -> authenticator.authenticate("Digest username=\"x\""));
    }

    @Test
    void handsBasicCredentialsToTheRealmAndRecordsTheClaimedNameOnRefusal() throws AuthenticationFailure {
        PasswordRealm realm = (user, password) -> "alice".equals(user) && "pa:ss".equals(new String(password))
                ? Optional.of(Set.of("viewer")) : Optional.empty();
        Authenticator authenticator = new Authenticator(realm, tokens);

        assertEquals(new Caller("alice", Caller.BASIC, Set.of("viewer")),
                authenticator.authenticate("Basic " + base64("alice:pa:ss")));
        AuthenticationFailure failure = assertThrows(AuthenticationFailure.class,
                () -> authenticator.authenticate("Basic " + base64("alice:wrong")));
        assertEquals("alice", failure.claimed());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
