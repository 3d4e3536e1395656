package dev.fluent.plugin.host.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluent.plugin.host.network.internal.AddressRules.Kind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    private static Kind kind(String literal) throws UnknownHostException {
        return AddressRules.classify(InetAddress.getByName(literal));
    }

    @Test
    void classifiesIpv4() throws UnknownHostException {
        assertEquals(Kind.LOOPBACK, kind("127.0.0.1"));
        assertEquals(Kind.LOOPBACK, kind("127.255.0.9"));
        assertEquals(Kind.PRIVATE, kind("10.1.2.3"));
        assertEquals(Kind.PRIVATE, kind("172.16.0.1"));
        assertEquals(Kind.PUBLIC, kind("172.32.0.1"));
        assertEquals(Kind.PRIVATE, kind("192.168.1.1"));
        assertEquals(Kind.PRIVATE, kind("100.64.0.1"));
        assertEquals(Kind.LINK_LOCAL, kind("169.254.169.254"));
        assertEquals(Kind.NEVER, kind("0.0.0.0"));
        assertEquals(Kind.NEVER, kind("224.0.0.1"));
        assertEquals(Kind.NEVER, kind("255.255.255.255"));
        assertEquals(Kind.PUBLIC, kind("8.8.8.8"));
    }

    @Test
    void classifiesIpv6AndTheIpv4ItCarries() throws UnknownHostException {
        assertEquals(Kind.LOOPBACK, kind("::1"));
        assertEquals(Kind.NEVER, kind("::"));
        assertEquals(Kind.LINK_LOCAL, kind("fe80::1"));
        assertEquals(Kind.PRIVATE, kind("fd00:ec2::254"));
        assertEquals(Kind.NEVER, kind("ff02::1"));
        assertEquals(Kind.PUBLIC, kind("2606:4700::1111"));
        assertEquals(Kind.LOOPBACK, kind("::ffff:127.0.0.1"));
        assertEquals(Kind.LOOPBACK, kind("::127.0.0.1"));
        assertEquals(Kind.LOOPBACK, kind("2002:7f00:1::"));
        assertEquals(Kind.LINK_LOCAL, kind("64:ff9b::a9fe:a9fe"));
    }
}
