package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** created_at and expires_at. */
class TimestampsTest {

    private static ObjectNode with(String field, String value) {
        ObjectNode manifest = minimal();
        manifest.put(field, value);
        return manifest;
    }

    @ParameterizedTest
    @CsvSource({
        "2026-11-29T00:00:00Z,             2026-11-29T00:00:00Z",
        "2026-11-29T01:00:00+01:00,        2026-11-29T00:00:00Z",
        "2026-11-28T19:30:00-04:30,        2026-11-29T00:00:00Z",
        "2026-11-29T00:00:00-00:00,        2026-11-29T00:00:00Z",
        "2026-11-29t00:00:00z,             2026-11-29T00:00:00Z",
        "2026-11-29T00:00:00.5Z,           2026-11-29T00:00:00.500Z",
        "2026-11-29T00:00:00.123456789Z,   2026-11-29T00:00:00.123456789Z",
        "2028-02-29T12:00:00Z,             2028-02-29T12:00:00Z",
        "2026-12-31T23:59:59+23:59,        2026-12-31T00:00:59Z",
        "0001-01-01T00:00:00Z,             0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z,             9999-12-31T23:59:59Z",
    })
    void acceptsAnRfc3339DateTime(String text, String instant) throws PluginException {
        assertEquals(Instant.parse(instant), parse(with("created_at", text)).createdAt());
        assertEquals(Instant.parse(instant), parse(with("expires_at", text)).expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-29", "2026-11-29T00:00:00", "2026-11-29 00:00:00Z", "2026-11-29T00:00Z",
        "2026-11-29T00:00:00+0100", "2026-11-29T00:00:00+01", "26-11-29T00:00:00Z", "2026-1-29T00:00:00Z",
        "2026-11-29T00:00:00.Z", "2026-11-29T00:00:00.1234567890Z", "1764374400", "2026-11-29T00:00:00 Z",
        "2026-11-29T00:00:00GMT", "2026-11-29T00:00:00+01:00[Europe/Paris]", "", " 2026-11-29T00:00:00Z",
        "2026-11-29T00:00:00Z "})
    void rejectsAnythingButAnRfc3339DateTimeWithOffset(String text) {
        assertInvalid(with("created_at", text), "created_at", "expected an RFC 3339 date-time with offset",
                "2026-11-29T00:00:00Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T23:60:00Z"})
    void rejectsADateOrTimeThatDoesNotExist(String text) {
        assertInvalid(with("expires_at", text), "expires_at", "is not a real date and time");
    }

    @Test
    void rejectsALeapSecond() {
        assertInvalid(with("created_at", "2016-12-31T23:59:60Z"), "created_at", "is a leap second");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-29T00:00:00+24:00", "2026-11-29T00:00:00+01:60"})
    void rejectsAnImpossibleOffset(String text) {
        assertInvalid(with("created_at", text), "created_at", "has an impossible offset");
    }

    @Test
    void rejectsATimestampThatIsNotAString() {
        ObjectNode manifest = minimal();
        manifest.put("expires_at", 1764374400L);

        assertInvalid(manifest, "expires_at", "expected an RFC 3339 date-time", "got 1764374400");
    }

    @Test
    void treatsANullExpiryAsNever() throws PluginException {
        ObjectNode manifest = minimal();
        manifest.putNull("expires_at");

        assertNull(parse(manifest).expiresAt());
    }

    @Test
    void rejectsANullCreationTime() {
        ObjectNode manifest = minimal();
        manifest.putNull("created_at");

        assertInvalid(manifest, "created_at", "got null; leave the field out instead");
    }

    @Test
    void acceptsAnExpiryAfterTheCreationTime() throws PluginException {
        ObjectNode manifest = with("created_at", "2026-11-29T00:00:00Z");
        manifest.put("expires_at", "2026-11-29T00:00:00.000000001Z");

        PluginManifest parsed = parse(manifest);
        assertEquals(Instant.parse("2026-11-29T00:00:00Z"), parsed.createdAt());
        assertEquals(Instant.parse("2026-11-29T00:00:00.000000001Z"), parsed.expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-29T00:00:00Z", "2026-11-29T01:00:00+01:00", "2025-01-01T00:00:00Z"})
    void rejectsAnExpiryNotAfterTheCreationTime(String expiresAt) {
        ObjectNode manifest = with("created_at", "2026-11-29T00:00:00Z");
        manifest.put("expires_at", expiresAt);

        assertInvalid(manifest, "expires_at", "is not after created_at 2026-11-29T00:00:00Z");
    }

    @Test
    void acceptsEitherTimestampAlone() throws PluginException {
        assertNull(parse(with("created_at", "2026-11-29T00:00:00Z")).expiresAt());
        assertNull(parse(with("expires_at", "2020-01-01T00:00:00Z")).createdAt());
    }
}
