package dev.fluent.plugin.manifest.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The syntax of one {@code permissions.allowed_hosts} entry. An entry is one of
 * <ul>
 * <li>{@code host}: a DNS name, an IPv4 address or a bracketed IPv6 address;</li>
 * <li>{@code *.domain}: every host below {@code domain}, which needs at least two labels;</li>
 * <li>{@code scheme://host[:port]} with scheme {@code http} or {@code https}.</li>
 * </ul>
 * Nothing else: no bare {@code *}, no path, query, fragment or user info, no port without a scheme, no
 * upper case, no trailing dot, no non-ASCII (write internationalized names in punycode). A last label
 * that reads as a number ({@code 1.2.3}, {@code 0x7f}) is refused because URL parsers would take the host
 * for an IPv4 address; IPv4 parts with leading zeros are refused because some parsers read them as octal.
 * Whether a host is reachable (private, loopback and metadata addresses) is decided at connection time,
 * not here.
 */
final class HostRules {

    /** Longest entry: a 253-character name with scheme, brackets and port fits easily. */
    static final int MAX_LENGTH = 300;

    static final String FORMS = "an entry is host, *.domain or http(s)://host[:port]";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-f]{1,4}");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

    private HostRules() {
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code entry} */
    static void check(String entry) {
        String problem = problem(entry);
        if (problem != null) {
            throw new IllegalArgumentException(Text.quote(entry) + " " + problem + "; " + FORMS);
        }
    }

    private static String problem(String entry) {
        if (entry.isEmpty()) {
            return "is empty";
        }
        if (entry.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c > 0x7E) {
                return "is not ASCII; write internationalized names in punycode (xn--...)";
            }
            if (c <= 0x20) {
                return "contains whitespace";
            }
        }
        if (!entry.equals(entry.toLowerCase(Locale.ROOT))) {
            return "has upper-case letters; write it in lower case";
        }
        int schemeEnd = entry.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = entry.substring(0, schemeEnd);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "has scheme " + Text.quote(scheme) + "; only http and https are allowed";
            }
            return authorityProblem(entry.substring(schemeEnd + 3));
        }
        String extra = extraPartProblem(entry);
        if (extra != null) {
            return extra;
        }
        if (entry.equals("*")) {
            return "is a bare wildcard; name the hosts or domains the plugin needs";
        }
        if (entry.startsWith("*.")) {
            String domain = entry.substring(2);
            if (domain.contains("*")) {
                return "has more than one wildcard";
            }
            String problem = dnsNameProblem(domain);
            if (problem != null) {
                return problem;
            }
            if (domain.indexOf('.') < 0) {
                return "is too broad: a wildcard must stay below a domain of at least two labels";
            }
            return null;
        }
        if (entry.contains("*")) {
            return "has a wildcard that is not a leading \"*.\" label";
        }
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close > 0 && close < entry.length() - 1) {
                return entry.charAt(close + 1) == ':'
                        ? "has a port but no scheme; write https://" + Text.escape(entry, Text.SHOWN)
                        : "has text after the IPv6 address";
            }
            return hostProblem(entry);
        }
        int colons = entry.length() - entry.replace(":", "").length();
        if (colons > 1) {
            return "is an IPv6 address without brackets; write it as [address]";
        }
        if (colons == 1) {
            return "has a port but no scheme; write https://" + Text.escape(entry, Text.SHOWN);
        }
        return hostProblem(entry);
    }

    /** The part after {@code scheme://}: {@code host[:port]} and nothing more. */
    private static String authorityProblem(String authority) {
        String extra = extraPartProblem(authority);
        if (extra != null) {
            return extra;
        }
        if (authority.isEmpty()) {
            return "has no host";
        }
        if (authority.contains("*")) {
            return "has a wildcard with a scheme; write *.domain without a scheme";
        }
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close > 0 && close < authority.length() - 1) {
                if (authority.charAt(close + 1) != ':') {
                    return "has text after the IPv6 address";
                }
                host = authority.substring(0, close + 1);
                port = authority.substring(close + 2);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                port = authority.substring(colon + 1);
            }
        }
        if (host.isEmpty()) {
            return "has no host";
        }
        if (port != null && !validPort(port)) {
            return "has an invalid port " + Text.quote(port) + "; a port is 1-65535 without leading zeros";
        }
        return hostProblem(host);
    }

    private static String extraPartProblem(String text) {
        if (text.contains("@")) {
            return "has user info; only the host may be named";
        }
        if (text.contains("/")) {
            return "has a path; name the host only";
        }
        if (text.contains("?")) {
            return "has a query; name the host only";
        }
        if (text.contains("#")) {
            return "has a fragment; name the host only";
        }
        return null;
    }

    private static boolean validPort(String port) {
        return PORT.matcher(port).matches() && Integer.parseInt(port) <= 65535;
    }

    private static String hostProblem(String host) {
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || !isIpv6(host.substring(1, host.length() - 1))) {
                return "has an invalid IPv6 address";
            }
            return null;
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return isIpv4(host) ? null : "has an invalid IPv4 address (four parts 0-255, no leading zeros)";
        }
        return dnsNameProblem(host);
    }

    private static String dnsNameProblem(String name) {
        if (name.isEmpty()) {
            return "has no host name";
        }
        if (name.length() > 253) {
            return "has a host name longer than 253 characters";
        }
        if (name.endsWith(".")) {
            return "ends with a dot; leave the trailing dot out";
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return "is not a valid host name: each dot-separated label has 1-63 of a-z, 0-9 and '-',"
                        + " not at either end";
            }
        }
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            return "ends in a numeric label; URL parsers would read it as an IPv4 address";
        }
        return null;
    }

    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 4291 section 2.2 text forms, lower case, without zone id. */
    static boolean isIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] head = groups(gap >= 0 ? text.substring(0, gap) : text);
        String[] tail = groups(gap >= 0 ? text.substring(gap + 2) : "");
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        // an embedded IPv4 address may only close the address: "::ffff:1.2.3.4", not "1.2.3.4::"
        boolean lastMayBeIpv4 = gap < 0 || tail.length > 0;
        int units = 0;
        for (int i = 0; i < all.length; i++) {
            String group = all[i];
            if (i == all.length - 1 && lastMayBeIpv4 && group.contains(".")) {
                if (!isIpv4(group)) {
                    return false;
                }
                units += 2;
            } else if (HEX_GROUP.matcher(group).matches()) {
                units++;
            } else {
                return false;
            }
        }
        return gap >= 0 ? units <= 7 : units == 8;
    }

    private static String[] groups(String text) {
        return text.isEmpty() ? new String[0] : text.split(":", -1);
    }
}
