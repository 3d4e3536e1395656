package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static dev.fluent.plugin.manifest.internal.Manifests.withPermission;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.PluginException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedHostsTest {

    private static ObjectNode withHost(String host) {
        return withPermission("allowed_hosts", Manifests.JSON.createArrayNode().add(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "example.com", "api.example.com", "localhost", "a-b.c-d.example", "xn--bcher-kva.example",
        "1password.com", "a.b.c.d.e.f.example.com", "x1.0a",
        "*.example.com", "*.api.example.co.uk",
        "https://example.com", "http://example.com", "https://example.com:8443", "http://localhost:1",
        "https://api.example.com:65535",
        "10.0.0.1", "255.255.255.255", "0.0.0.0", "https://192.168.1.1:8080",
        "[::1]", "[2001:db8::1]", "[::]", "[1:2:3:4:5:6:7:8]", "[::ffff:192.0.2.1]", "[fe80::1:2]",
        "https://[2001:db8::1]:443", "http://[::1]"
    })
    void acceptsAHostEntry(String host) throws PluginException {
        assertEquals(List.of(host), parse(withHost(host)).permissions().allowedHosts());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*                            | is a bare wildcard",
        "*.com                        | is too broad",
        "*.*.example.com              | has more than one wildcard",
        "api.*.example.com            | has a wildcard that is not a leading",
        "*example.com                 | has a wildcard that is not a leading",
        "example.*                    | has a wildcard that is not a leading",
        "https://*.example.com        | has a wildcard with a scheme",
        "ftp://example.com            | has scheme \"ftp\"; only http and https",
        "ws://example.com             | has scheme \"ws\"",
        "file:///etc/passwd           | has scheme \"file\"",
        "://example.com               | has scheme \"\"",
        "https://example.com/         | has a path",
        "https://example.com/api      | has a path",
        "example.com/api              | has a path",
        "https://example.com?x=1      | has a query",
        "https://example.com#top      | has a fragment",
        "https://user@example.com     | has user info",
        "https://user:pw@example.com  | has user info",
        "https://                     | has no host",
        "https://:443                 | has no host",
        "https://example.com:0        | has an invalid port \"0\"",
        "https://example.com:65536    | has an invalid port \"65536\"",
        "https://example.com:080      | has an invalid port \"080\"",
        "https://example.com:         | has an invalid port \"\"",
        "https://example.com:http     | has an invalid port \"http\"",
        "https://example.com:1:2      | has an invalid port \"1:2\"",
        "example.com:443              | has a port but no scheme; write https://example.com:443",
        "[::1]:443                    | has a port but no scheme",
        "::1                          | is an IPv6 address without brackets",
        "Example.com                  | has upper-case letters",
        "HTTPS://example.com          | has upper-case letters",
        "example.com.                 | ends with a dot",
        "exa_mple.com                 | is not a valid host name",
        "-example.com                 | is not a valid host name",
        "example-.com                 | is not a valid host name",
        "example..com                 | is not a valid host name",
        ".example.com                 | is not a valid host name",
        "bücher.example               | is not ASCII; write internationalized names in punycode",
        "1.2.3                        | has an invalid IPv4 address",
        "1.2.3.4.5                    | has an invalid IPv4 address",
        "256.1.1.1                    | has an invalid IPv4 address",
        "010.0.0.1                    | has an invalid IPv4 address",
        "https://127.000.0.1          | has an invalid IPv4 address",
        "example.123                  | ends in a numeric label",
        "0x7f000001                   | ends in a numeric label",
        "a.0x7f                       | ends in a numeric label",
        "[::1                         | has an invalid IPv6 address",
        "[1:2:3:4:5:6:7:8:9]          | has an invalid IPv6 address",
        "[1:2:3:4:5:6:7]              | has an invalid IPv6 address",
        "[1::2::3]                    | has an invalid IPv6 address",
        "[12345::1]                   | has an invalid IPv6 address",
        "[fe80::1%eth0]               | has an invalid IPv6 address",
        "[1.2.3.4::]                  | has an invalid IPv6 address",
        "[::g]                        | has an invalid IPv6 address",
        "[example.com]                | has an invalid IPv6 address",
        "[::1]x                       | has text after the IPv6 address",
        "https://[::1]x               | has text after the IPv6 address",
    })
    void rejectsAMalformedHostEntry(String host, String problem) {
        assertInvalid(withHost(host), "permissions.allowed_hosts[0]", problem,
                "an entry is host, *.domain or http(s)://host[:port]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " example.com", "example.com ", "exa mple.com", "example.com\t"})
    void rejectsAnEmptyOrSpacedHostEntry(String host) {
        assertInvalid(withHost(host), "permissions.allowed_hosts[0]");
    }

    @Test
    void acceptsA63CharacterLabel() throws PluginException {
        parse(withHost("a".repeat(63) + ".example"));
    }

    @Test
    void rejectsA64CharacterLabel() {
        assertInvalid(withHost("a".repeat(64) + ".example"), "permissions.allowed_hosts[0]",
                "is not a valid host name");
    }

    @Test
    void acceptsA253CharacterName() throws PluginException {
        String host = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        assertEquals(253, host.length());
        parse(withHost(host));
    }

    @Test
    void rejectsA254CharacterName() {
        String host = ("a".repeat(63) + ".").repeat(3) + "a".repeat(62);
        assertInvalid(withHost(host), "permissions.allowed_hosts[0]", "longer than 253");
    }
}
