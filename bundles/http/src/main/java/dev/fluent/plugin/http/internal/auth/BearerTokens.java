package dev.fluent.plugin.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bearer tokens the operator configured, each kept as the SHA-256 of the token: the configuration (and
 * anyone who reads it) never holds a token that works. A presented token is hashed and compared with every
 * configured hash in constant time, so neither the time taken nor which entry matched tells anything.
 */
public final class BearerTokens {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final List<Entry> entries;

    private BearerTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** One configured token: its name, the SHA-256 of the token, its roles. */
    record Entry(String name, byte[] hash, Set<String> roles) {
    }

    /**
     * Reads the configured entries, {@code <name>:<sha256-hex>:<role>|<role>…}; an array element may hold several
     * entries separated by commas.
     *
     * @param problems receives one line per entry that is ignored, naming it and what is wrong
     */
    public static BearerTokens parse(String[] configured, List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String element : configured == null ? new String[0] : configured) {
            for (String raw : element.split(",")) {
                String text = raw.trim();
                if (text.isEmpty()) {
                    continue;
                }
                String[] parts = text.split(":", -1);
                String name = parts[0].trim();
                if (parts.length != 3 || !NAME.matcher(name).matches()) {
                    problems.add("token entry '" + shown(name) + "' is not <name>:<sha256-hex>:<role>|<role>");
                } else if (!HASH.matcher(parts[1].trim()).matches()) {
                    problems.add("token '" + name + "': the second field must be the SHA-256 of the token as 64 hex "
                            + "digits (never the token itself)");
                } else if (!names.add(name)) {
                    problems.add("token '" + name + "' is configured twice; the first entry counts");
                } else {
                    Set<String> roles = new LinkedHashSet<>();
                    for (String role : parts[2].split("\\|")) {
                        if (ROLE.matcher(role.trim()).matches()) {
                            roles.add(role.trim());
                        }
                    }
                    entries.add(new Entry(name, HexFormat.of().parseHex(parts[1].trim().toLowerCase()), roles));
                }
            }
        }
        return new BearerTokens(entries);
    }

    /** The caller a presented token identifies, if it is one of the configured tokens. */
    public Optional<Caller> match(String token) {
        byte[] presented = sha256(token);
        Entry found = null;
        for (Entry entry : entries) {
            // Every entry is compared, whatever matched before: the time does not depend on the entry's position.
            boolean equal = MessageDigest.isEqual(entry.hash(), presented);
            if (equal && found == null) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), Caller.BEARER, found.roles()));
    }

    public int size() {
        return entries.size();
    }

    /** The lowercase hex SHA-256 of a token's UTF-8 bytes: what the configuration holds for it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A malformed entry may be a token pasted by mistake: only its first characters are repeated. */
    private static String shown(String name) {
        return name.length() <= 8 ? name : name.substring(0, 8) + "…";
    }
}
