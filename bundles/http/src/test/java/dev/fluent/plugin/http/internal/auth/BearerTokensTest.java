package dev.fluent.plugin.http.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    @Test
    void hashIsTheLowercaseHexSha256OfTheTokensUtf8Bytes() {
        // FIPS 180-2's test vector for "abc".
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", BearerTokens.hash("abc"));
    }

    @Test
    void matchesAConfiguredTokenByItsHashAndGivesItsNameAndRoles() {
        List<String> problems = new ArrayList<>();
        BearerTokens tokens = BearerTokens.parse(new String[] {
            "ci:" + BearerTokens.hash("s3cret-one") + ":viewer|manager",
            "scraper:" + BearerTokens.hash("s3cret-two").toUpperCase() + ":viewer"}, problems);

        assertEquals(List.of(), problems);
        Caller ci = tokens.match("s3cret-one").orElseThrow();
        assertEquals(new Caller("ci", Caller.BEARER, Set.of("viewer", "manager")), ci);
        assertEquals("scraper", tokens.match("s3cret-two").orElseThrow().name());
        assertTrue(tokens.match("s3cret-three").isEmpty());
        assertTrue(tokens.match("").isEmpty());
    }

    @Test
    void readsSeveralEntriesSeparatedByCommasInOneValue() {
        List<String> problems = new ArrayList<>();
        BearerTokens tokens = BearerTokens.parse(new String[] {
            "a:" + BearerTokens.hash("x") + ":viewer, b:" + BearerTokens.hash("y") + ":admin"}, problems);

        assertEquals(List.of(), problems);
        assertEquals(2, tokens.size());
        assertEquals(Set.of("admin"), tokens.match("y").orElseThrow().roles());
    }

    @Test
    void refusesAPlainTokenWhereItsHashBelongsAndNamesTheEntry() {
        List<String> problems = new ArrayList<>();
        BearerTokens tokens = BearerTokens.parse(new String[] {"ci:my-plain-token:admin"}, problems);

        assertEquals(0, tokens.size());
        assertTrue(tokens.match("my-plain-token").isEmpty());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("'ci'") && problems.get(0).contains("SHA-256"), problems.get(0));
        assertTrue(!problems.get(0).contains("my-plain-token"), "the problem does not repeat the value: " + problems);
    }

    @Test
    void ignoresMalformedAndDuplicateEntriesKeepingTheFirst() {
        List<String> problems = new ArrayList<>();
        BearerTokens tokens = BearerTokens.parse(new String[] {
            "only-two-fields:" + BearerTokens.hash("x"),
            "dup:" + BearerTokens.hash("first") + ":viewer",
            "dup:" + BearerTokens.hash("second") + ":admin"}, problems);

        assertEquals(1, tokens.size());
        assertTrue(tokens.match("first").isPresent());
        assertTrue(tokens.match("second").isEmpty());
        assertEquals(2, problems.size(), problems.toString());
    }
}
