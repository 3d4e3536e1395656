package dev.fluent.plugin.runtime.internal.audit;

import java.time.Clock;
import java.time.Instant;

/**
 * The instants audit events carry.
 *
 * <p>Why not the wall clock at every event: reading it as an {@code Instant} costs 50–100 ns on a virtual machine,
 * two to three times a read of the monotonic clock, and an execution has read the monotonic clock already as it
 * ended. So, for the system's clock, an event's instant is worked out from a monotonic reading and an anchor: a
 * wall-clock instant and the monotonic reading taken with it, taken again once a second. An instant is then off by
 * at most the drift between the two clocks over a second (NTP slews the wall clock by at most 0.5 ms a second),
 * and a step of the wall clock (a manual change) shows in the events within a second. Any other clock (a test's
 * fixed one) is read at every event.
 */
final class EventClock {

    static final long ANCHOR_NANOS = 1_000_000_000L;

    /** A wall-clock instant and the monotonic reading taken just before it. */
    private record Anchor(long nanos, Instant wall) {
    }

    private final Clock clock;
    private final boolean anchored;
    private volatile Anchor anchor;

    EventClock(Clock clock) {
        this(clock, clock.getClass() == Clock.systemUTC().getClass());
    }

    /** @param anchored whether instants are worked out from monotonic readings and an anchor on {@code clock} */
    EventClock(Clock clock, boolean anchored) {
        this.clock = clock;
        this.anchored = anchored;
    }

    /** The instant of a reading of {@link System#nanoTime()} taken a moment ago. */
    Instant at(long nanos) {
        if (!anchored) {
            return clock.instant();
        }
        Anchor a = anchor;
        if (a == null || Math.abs(nanos - a.nanos) >= ANCHOR_NANOS) {
            long taken = System.nanoTime();
            a = new Anchor(taken, clock.instant());
            anchor = a;
        }
        return a.wall.plusNanos(nanos - a.nanos);
    }
}
