package dev.fluent.plugin.manifest.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3339 date-times ({@code date-time} of section 5.6): a full date, {@code T}, a full time and an
 * offset ({@code Z} or {@code +hh:mm}/{@code -hh:mm}). A local time without offset is refused, so the
 * instant a plugin expires never depends on the server's time zone.
 *
 * <p>Choices within the RFC: {@code T} and {@code Z} may be written in lower case, as the RFC allows; a
 * space instead of {@code T} is refused; fractions of a second carry at most nine digits (nanoseconds);
 * a leap second ({@code :60}) is refused; {@code -00:00} is read as UTC.
 */
final class Timestamps {

    static final String EXAMPLE = "2026-11-29T00:00:00Z";

    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?"
                    + "(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))");

    private Timestamps() {
    }

    /**
     * @throws IllegalArgumentException with the reason, when {@code text} is not an RFC 3339 date-time
     *         with offset or names a date or time that does not exist
     */
    static Instant parse(String text) {
        Matcher m = DATE_TIME.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected an RFC 3339 date-time with offset such as " + EXAMPLE
                    + " or 2026-11-29T01:00:00+01:00, got " + Text.quote(text));
        }
        int hour = Integer.parseInt(m.group(4));
        int minute = Integer.parseInt(m.group(5));
        int second = Integer.parseInt(m.group(6));
        if (second == 60) {
            throw new IllegalArgumentException(Text.quote(text) + " is a leap second; use :59 instead");
        }
        String fraction = m.group(7) == null ? "" : m.group(7);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        LocalDateTime local;
        try {
            local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), hour, minute, second, nanos);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(Text.quote(text) + " is not a real date and time", e);
        }
        int offsetSeconds = 0;
        if (m.group(8) == null) {
            int offsetHours = Integer.parseInt(m.group(10));
            int offsetMinutes = Integer.parseInt(m.group(11));
            if (offsetHours > 23 || offsetMinutes > 59) {
                throw new IllegalArgumentException(Text.quote(text) + " has an impossible offset");
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * ("-".equals(m.group(9)) ? -1 : 1);
        }
        return Instant.ofEpochSecond(local.toEpochSecond(ZoneOffset.UTC) - offsetSeconds, nanos);
    }
}
