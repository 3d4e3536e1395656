package dev.fluent.plugin.runtime.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.spi.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audit events' instants: the wall clock's, worked out from the monotonic readings executions take anyway. */
class EventClockTest {

    /** A wall clock a test sets. */
    private static final class SetClock extends Clock {
        volatile Instant now;

        SetClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aClockOtherThanTheSystemsIsReadAtEveryEvent() {
        Instant fixed = Instant.parse("2026-01-02T03:04:05Z");
        EventClock clock = new EventClock(Clock.fixed(fixed, ZoneOffset.UTC));
        assertEquals(fixed, clock.at(System.nanoTime()));
        assertEquals(fixed, clock.at(System.nanoTime() + 123_456_789L));
    }

    @Test
    void theSystemsClockGivesTheTimeOfTheReading() {
        EventClock clock = new EventClock(Clock.systemUTC());
        Instant before = Instant.now();
        Instant event = clock.at(System.nanoTime());
        Instant after = Instant.now();
        assertTrue(!event.isBefore(before.minusMillis(2)) && !event.isAfter(after.plusMillis(2)),
                before + " <= " + event + " <= " + after);
        long reading = System.nanoTime();
        // Two readings near one anchor are exactly as far apart as the monotonic clock says.
        assertEquals(Duration.ofNanos(5_000_000), Duration.between(clock.at(reading), clock.at(reading + 5_000_000)));
    }

    @Test
    void aStepOfTheWallClockShowsOnceTheAnchorIsASecondOld() {
        SetClock wall = new SetClock(Instant.parse("2026-01-02T03:04:05Z"));
        EventClock clock = new EventClock(wall, true);
        long reading = System.nanoTime();
        Instant first = clock.at(reading);
        assertTrue(Duration.between(wall.now, first).abs().toMillis() < 100, first.toString());
        wall.now = wall.now.plus(Duration.ofHours(1));
        // Within the anchor's second the step does not show yet: the events keep the monotonic clock's order.
        assertEquals(first.plusMillis(500), clock.at(reading + 500_000_000L));
        // A reading a second or more from the anchor takes a new one, on the wall clock as it is now.
        Instant later = clock.at(System.nanoTime() + EventClock.ANCHOR_NANOS);
        assertTrue(Duration.between(first.plus(Duration.ofHours(1)), later).abs().toMillis() < 1_100, later.toString());
    }

    @Test
    void theAuditorStampsAnExecutionWithTheReadingItEndedAt() {
        SetClock wall = new SetClock(Instant.parse("2026-01-02T03:04:05Z"));
        Auditor auditor = new Auditor(Clock.systemUTC());
        List<AuditEvent> events = new ArrayList<>();
        auditor.addSink(events::add);
        long ended = System.nanoTime();
        auditor.success("echo", "execute", "r-1", Map.of(), ended);
        auditor.success("echo", "execute", "r-2", Map.of(), ended + 2_000_000);
        assertEquals(Duration.ofMillis(2), Duration.between(events.get(0).timestamp(), events.get(1).timestamp()));
        Auditor fixed = new Auditor(wall);
        fixed.addSink(events::add);
        fixed.success("echo", "execute", "r-3", Map.of(), ended);
        assertEquals(wall.now, events.get(2).timestamp());
    }
}
