package dev.fluent.plugin.host.network.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What kind of address a connection would reach. Loopback and private addresses need the operator's
 * permission; some addresses are never reachable: unspecified ({@code 0.0.0.0}, {@code ::}), multicast,
 * broadcast and reserved ranges. IPv4 addresses inside IPv6 (mapped, compatible, 6to4, NAT64) are judged by
 * the IPv4 address they carry.
 */
final class AddressRules {

    enum Kind {
        PUBLIC("a public address"),
        LOOPBACK("a loopback address"),
        PRIVATE("a private address"),
        LINK_LOCAL("a link-local address (the range of cloud metadata services)"),
        NEVER("an address no plugin may reach (unspecified, multicast, broadcast or reserved)");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    private AddressRules() {
    }

    static Kind classify(InetAddress address) {
        InetAddress a = embeddedIpv4(address);
        if (a instanceof Inet4Address v4) {
            return classify4(v4.getAddress());
        }
        byte[] b = a.getAddress();
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return Kind.NEVER;
        }
        if (a.isLoopbackAddress()) {
            return Kind.LOOPBACK;
        }
        if (a.isLinkLocalAddress()) {
            return Kind.LINK_LOCAL;
        }
        if ((b[0] & 0xFE) == 0xFC || a.isSiteLocalAddress()) {
            return Kind.PRIVATE; // fc00::/7 unique local (fd00:ec2::254 is a metadata address), fec0::/10
        }
        return Kind.PUBLIC;
    }

    private static Kind classify4(byte[] b) {
        int a0 = b[0] & 0xFF;
        int a1 = b[1] & 0xFF;
        if (a0 == 0 || a0 >= 224) {
            return Kind.NEVER; // 0/8 "this network", 224/4 multicast, 240/4 reserved and broadcast
        }
        if (a0 == 127) {
            return Kind.LOOPBACK;
        }
        if (a0 == 169 && a1 == 254) {
            return Kind.LINK_LOCAL;
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                || (a0 == 100 && a1 >= 64 && a1 <= 127) // carrier-grade NAT
                || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
                || (a0 == 192 && a1 == 0 && (b[2] & 0xFF) == 0)) { // IETF protocol assignments
            return Kind.PRIVATE;
        }
        return Kind.PUBLIC;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64), else the address itself. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        int offset = -1;
        if (zeros80 && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
            offset = 12; // ::ffff:a.b.c.d, mapped
        } else if (zeros80 && b[10] == 0 && b[11] == 0 && !address.isLoopbackAddress() && !address.isAnyLocalAddress()) {
            offset = 12; // ::a.b.c.d, compatible (:: and ::1 are themselves)
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            offset = 2; // 2002:a.b.c.d::/48, 6to4
        } else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xFF && b[3] == (byte) 0x9B && allZero(b, 4, 12)) {
            offset = 12; // 64:ff9b::/96, NAT64
        }
        if (offset < 0) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
