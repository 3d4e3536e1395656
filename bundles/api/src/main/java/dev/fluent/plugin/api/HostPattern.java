package dev.fluent.plugin.api;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code allowed_hosts} entry, read: {@code host} and {@code *.domain} mean https on port 443,
 * {@code scheme://host[:port]} means that scheme on that port (80 for http, 443 for https when omitted).
 * A wildcard matches every host below its domain, not the domain itself. The manifest parser has checked
 * the entry's syntax; {@link #parse} only reads it.
 *
 * @param scheme {@code http} or {@code https}
 * @param host a lower-case DNS name, an IPv4 address or a bracketed IPv6 address in canonical form; for a
 *        wildcard, the domain below which hosts match
 * @param port the port
 * @param wildcard whether this is a {@code *.domain} entry
 */
public record HostPattern(String scheme, String host, int port, boolean wildcard) {

    public HostPattern {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https, was " + scheme);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Reads an entry.
     *
     * @throws IllegalArgumentException when it is none of the three forms
     */
    public static HostPattern parse(String entry) {
        String text = entry.trim().toLowerCase(Locale.ROOT);
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            if (text.startsWith("*.")) {
                return new HostPattern("https", checkedHost(text.substring(2), entry), 443, true);
            }
            return new HostPattern("https", checkedHost(text, entry), 443, false);
        }
        String scheme = text.substring(0, schemeEnd);
        String authority = text.substring(schemeEnd + 3);
        String host = authority;
        String port = null;
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon > close) {
            host = authority.substring(0, colon);
            port = authority.substring(colon + 1);
        }
        int defaultPort = defaultPort(scheme);
        if (defaultPort < 0) {
            throw new IllegalArgumentException("'" + entry + "': scheme must be http or https");
        }
        try {
            return new HostPattern(scheme, checkedHost(host, entry),
                    port == null ? defaultPort : Integer.parseInt(port), false);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "': bad port " + port);
        }
    }

    /** 80 for http, 443 for https, -1 for anything else. */
    public static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    /** The host as {@link URI#getHost()} gives it, in the form entries are compared in. */
    public static String canonicalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            try {
                // A literal: no name lookup happens.
                return "[" + InetAddress.getByName(h).getHostAddress() + "]";
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad IPv6 address " + host);
            }
        }
        return h;
    }

    private static String checkedHost(String host, String entry) {
        if (host.isEmpty() || host.contains("*") || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("'" + entry + "' is not host, *.domain or http(s)://host[:port]");
        }
        return canonicalHost(host);
    }

    /** Whether a URL with this scheme, host (canonical form) and port is matched. */
    public boolean matches(String urlScheme, String urlHost, int urlPort) {
        if (!scheme.equals(urlScheme) || port != urlPort) {
            return false;
        }
        return wildcard ? urlHost.endsWith("." + host) : host.equals(urlHost);
    }

    /** Whether this entry matches every URL {@code other} matches (a policy entry covering a manifest's). */
    public boolean covers(HostPattern other) {
        if (!scheme.equals(other.scheme) || port != other.port) {
            return false;
        }
        if (wildcard) {
            return other.host.endsWith("." + host);
        }
        return !other.wildcard && host.equals(other.host);
    }

    /** The entry in its explicit form, e.g. {@code https://*.example.com:443}. */
    @Override
    public String toString() {
        return scheme + "://" + (wildcard ? "*." : "") + host + ":" + port;
    }
}
