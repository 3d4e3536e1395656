package dev.fluent.plugin.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.devtools.CommandFailure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditCommandTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void readsAnAgeBeforeNow() throws CommandFailure {
        assertEquals(Instant.parse("2026-03-01T11:59:30Z"), AuditCommand.parseTime("--since", "30s", NOW));
        assertEquals(Instant.parse("2026-03-01T11:45:00Z"), AuditCommand.parseTime("--since", "15m", NOW));
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), AuditCommand.parseTime("--since", "2h", NOW));
        assertEquals(Instant.parse("2026-02-22T12:00:00Z"), AuditCommand.parseTime("--since", "7d", NOW));
    }

    @Test
    void readsAnInstantOrAUtcDate() throws CommandFailure {
        assertEquals(Instant.parse("2026-01-31T08:30:00Z"), AuditCommand.parseTime("--since", "2026-01-31T08:30:00Z", NOW));
        assertEquals(Instant.parse("2026-01-31T00:00:00Z"), AuditCommand.parseTime("--until", "2026-01-31", NOW));
    }

    @Test
    void refusesAnythingElseNamingTheOptionAndTheForms() {
        CommandFailure e = assertThrows(CommandFailure.class, () -> AuditCommand.parseTime("--since", "yesterday", NOW));
        assertTrue(e.getMessage().startsWith("BAD_REQUEST: --since 'yesterday' is not a time"), e.getMessage());
        assertTrue(e.getMessage().contains("2h"), e.getMessage());
    }
}
