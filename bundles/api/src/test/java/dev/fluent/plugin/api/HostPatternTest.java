package dev.fluent.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPatternTest {

    @Test
    void bareHostMeansHttpsOn443() {
        HostPattern p = HostPattern.parse("api.openai.com");
        assertEquals(new HostPattern("https", "api.openai.com", 443, false), p);
        assertTrue(p.matches("https", "api.openai.com", 443));
        assertFalse(p.matches("http", "api.openai.com", 80));
        assertFalse(p.matches("https", "api.openai.com", 8443));
        assertFalse(p.matches("https", "evil-api.openai.com", 443));
    }

    @Test
    void wildcardMatchesHostsBelowTheDomainOnly() {
        HostPattern p = HostPattern.parse("*.example.com");
        assertTrue(p.matches("https", "a.example.com", 443));
        assertTrue(p.matches("https", "a.b.example.com", 443));
        assertFalse(p.matches("https", "example.com", 443));
        assertFalse(p.matches("https", "badexample.com", 443));
        assertFalse(p.matches("https", "example.com.evil.org", 443));
    }

    @Test
    void schemeFormsCarryTheirPort() {
        assertEquals(new HostPattern("http", "127.0.0.1", 8080, false), HostPattern.parse("http://127.0.0.1:8080"));
        assertEquals(80, HostPattern.parse("http://localhost").port());
        HostPattern v6 = HostPattern.parse("http://[::1]:9000");
        assertTrue(v6.matches("http", HostPattern.canonicalHost("[0:0:0:0:0:0:0:1]"), 9000));
    }

    @Test
    void coversOnlyWhatItMatches() {
        HostPattern policy = HostPattern.parse("*.openai.com");
        assertTrue(policy.covers(HostPattern.parse("api.openai.com")));
        assertTrue(policy.covers(HostPattern.parse("*.eu.openai.com")));
        assertFalse(policy.covers(HostPattern.parse("*.com")));
        assertFalse(policy.covers(HostPattern.parse("http://api.openai.com")));
        assertTrue(HostPattern.parse("https://api.openai.com").covers(HostPattern.parse("api.openai.com")));
        assertFalse(HostPattern.parse("api.openai.com").covers(HostPattern.parse("*.openai.com")));
    }

    @Test
    void refusesOtherForms() {
        assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("ftp://x.org"));
        assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("http://x.org:notaport"));
        assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("*"));
    }
}
