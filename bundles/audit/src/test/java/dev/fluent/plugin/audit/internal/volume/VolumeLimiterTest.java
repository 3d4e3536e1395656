package dev.fluent.plugin.audit.internal.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.write.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class VolumeLimiterTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    private final TestClock clock = new TestClock(T0);

    private static AuditEvent executed(String plugin, int n) {
        return new AuditEvent(T0, plugin, AuditActions.EXECUTE, "req-" + n, true, null, Map.of("duration_us", "12"));
    }

    private static AuditEvent executeFailed(String plugin, int n, String code) {
        return new AuditEvent(T0, plugin, AuditActions.EXECUTE, "req-" + n, false, code + ": refused",
                Map.of("code", code));
    }

    private static AuditEvent hostCall(String plugin, String action, String resource, int n, String deniedCode) {
        return deniedCode == null
                ? new AuditEvent(T0, plugin, action, resource, true, null, Map.of("request_id", "req-" + n))
                : new AuditEvent(T0, plugin, action, resource, false, deniedCode + ": outside the grant",
                        Map.of("request_id", "req-" + n, "code", deniedCode));
    }

    private static AuditEvent lifecycle(String plugin, String action) {
        return new AuditEvent(T0, plugin, action, "/plugins/" + plugin, true, null, Map.of());
    }

    /** How many of {@code count} events made by {@code make} are written. */
    private static int written(VolumeLimiter limiter, int count, java.util.function.IntFunction<AuditEvent> make) {
        int written = 0;
        for (int i = 0; i < count; i++) {
            VolumeLimiter.Admission a = limiter.admit(make.apply(i));
            assertNull(a.summary(), "no summary inside the window");
            written += a.write() ? 1 : 0;
        }
        return written;
    }

    @Test
    public void writesTheFirstCapSuccessfulRoutineEntriesOfEachPluginPerMinute() {
        VolumeLimiter limiter = new VolumeLimiter(5, clock);
        assertEquals(5, written(limiter, 12, i -> executed("flood", i)));
        assertEquals(0, written(limiter, 3, i -> hostCall("flood", AuditActions.HTTP_REQUEST, "GET http://a/", i, null)),
                "host-function uses share the plugin's cap");
        assertEquals(3, written(limiter, 3, i -> executed("quiet", i)), "each plugin has its own cap");
        assertEquals(10, limiter.heldBack());
    }

    @Test
    public void neverHoldsBackLifecycleTrustOrTheLogsOwnEntries() {
        VolumeLimiter limiter = new VolumeLimiter(1, clock);
        written(limiter, 10, i -> executed("p", i));
        for (String action : List.of(AuditActions.LOAD, AuditActions.RELOAD, AuditActions.UNLOAD, AuditActions.SUSPEND,
                AuditActions.RESUME)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(limiter.admit(lifecycle("p", action)).write(), action);
            }
        }
        for (int i = 0; i < 50; i++) {
            assertSame(VolumeLimiter.WRITE, limiter.admit(new AuditEvent(T0, "", AuditActions.TRUST, "key" + i, true,
                    null, Map.of())));
            assertSame(VolumeLimiter.WRITE, limiter.admit(new AuditEvent(T0, "", AuditActions.AUDIT_RECOVERY, null,
                    false, "LOG_TRUNCATED: x", Map.of())));
        }
    }

    @Test
    public void writesEveryDistinctFailureAndCountsTheRepeats() {
        VolumeLimiter limiter = new VolumeLimiter(2, clock);
        assertEquals(1, written(limiter, 40, i -> executeFailed("p", i, "RATE_LIMITED")),
                "execute's resource is a fresh request id each time: repeats are the same action and code");
        assertEquals(1, written(limiter, 5, i -> executeFailed("p", i, "TIMEOUT")), "another code is another failure");
        assertEquals(1, written(limiter, 5, i -> hostCall("p", AuditActions.FS_READ, "/etc/passwd", i, "ACCESS_DENIED")));
        assertEquals(1, written(limiter, 5, i -> hostCall("p", AuditActions.FS_READ, "/etc/shadow", i, "ACCESS_DENIED")),
                "another resource is another failure");
        assertEquals(1, written(limiter, 5, i -> hostCall("p", AuditActions.HTTP_REQUEST, "http://10.0.0.1/", i,
                "ACCESS_DENIED")));
        assertEquals(20, written(limiter, 20, i -> hostCall("p", AuditActions.FS_READ, "/f" + i, i, "ACCESS_DENIED")),
                "distinct failures are all written, whatever the cap");
        assertEquals(2, written(limiter, 10, i -> executed("p", i)), "failures do not use up the cap");
    }

    @Test
    public void theNextEntryAfterTheWindowEndsBringsItsSummaryFirst() {
        VolumeLimiter limiter = new VolumeLimiter(3, clock);
        written(limiter, 10, i -> executed("p", i));
        written(limiter, 4, i -> executeFailed("p", i, "RATE_LIMITED"));
        written(limiter, 3, i -> hostCall("p", AuditActions.FS_READ, "/etc/passwd", i, "ACCESS_DENIED"));
        clock.advance(Duration.ofSeconds(61));

        VolumeLimiter.Admission a = limiter.admit(executed("p", 99));
        assertTrue(a.write(), "the entry opens the next window");
        AuditEvent s = a.summary();
        assertNotNull(s);
        assertEquals("p", s.pluginId());
        assertEquals(AuditActions.AUDIT_SUPPRESSED, s.action());
        assertFalse(s.success(), "it counts repeated failures");
        assertEquals("7", s.details().get("suppressed.execute"));
        assertEquals("7", s.details().get("suppressed_total"));
        assertEquals("3", s.details().get("repeated.execute.RATE_LIMITED"));
        assertEquals("2", s.details().get("repeated.fs_read.ACCESS_DENIED"));
        assertEquals("5", s.details().get("repeated_total"));
        assertEquals("3", s.details().get("cap_per_minute"));
        assertEquals(T0.toString(), s.details().get("window_start"));
        assertEquals(T0.plusSeconds(60).toString(), s.details().get("window_end"));
        assertTrue(s.error().startsWith("AUDIT_SUPPRESSED: 5 failures repeated"), s.error());
        assertTrue(s.error().contains("execute RATE_LIMITED x3") && s.error().contains("fs_read ACCESS_DENIED x2"),
                s.error());

        assertEquals(2, written(limiter, 5, i -> executed("p", i)), "the new window's cap counts the entry above");
        assertEquals(1, written(limiter, 3, i -> executeFailed("p", i, "RATE_LIMITED")),
                "the first repeat of the new window is written again");
    }

    @Test
    public void aWindowThatHeldNothingBackEndsWithoutASummary() {
        VolumeLimiter limiter = new VolumeLimiter(3, clock);
        written(limiter, 3, i -> executed("p", i));
        clock.advance(Duration.ofMinutes(2));
        assertSame(VolumeLimiter.WRITE, limiter.admit(executed("p", 4)));
        assertTrue(limiter.closeEnded().isEmpty());
    }

    @Test
    public void anUnloadOrReloadEndsThePluginsWindowAtOnce() {
        VolumeLimiter limiter = new VolumeLimiter(1, clock);
        written(limiter, 4, i -> executed("p", i));
        VolumeLimiter.Admission unload = limiter.admit(lifecycle("p", AuditActions.UNLOAD));
        assertTrue(unload.write());
        assertEquals("3", unload.summary().details().get("suppressed.execute"));
        assertTrue(unload.summary().success(), "only successes were held back");
        assertEquals(T0.toString(), unload.summary().details().get("window_end"), "ended when the unload came");
        assertEquals(1, written(limiter, 4, i -> executed("p", i)), "a fresh window after it");
    }

    @Test
    public void theWriterCollectsSummariesOfWindowsThatEndedAndOnlyThose() {
        VolumeLimiter limiter = new VolumeLimiter(1, clock);
        written(limiter, 3, i -> executed("early", i));
        clock.advance(Duration.ofSeconds(30));
        written(limiter, 5, i -> executed("late", i));
        assertTrue(limiter.closeEnded().isEmpty(), "no window has ended yet");

        clock.advance(Duration.ofSeconds(31));
        List<AuditEvent> ended = limiter.closeEnded();
        assertEquals(1, ended.size());
        assertEquals("early", ended.get(0).pluginId());
        assertEquals("2", ended.get(0).details().get("suppressed.execute"));

        clock.advance(Duration.ofSeconds(30));
        ended = limiter.closeEnded();
        assertEquals(1, ended.size());
        assertEquals("late", ended.get(0).pluginId());
        assertEquals("4", ended.get(0).details().get("suppressed.execute"));
        assertTrue(limiter.closeEnded().isEmpty(), "each summary once");
    }

    @Test
    public void closingTheLogEndsEveryWindow() {
        VolumeLimiter limiter = new VolumeLimiter(1, clock);
        written(limiter, 2, i -> executed("a", i));
        written(limiter, 3, i -> hostCall("b", AuditActions.CACHE_GET, "CacheAccess", i, "CAPABILITY_NOT_GRANTED"));
        written(limiter, 1, i -> executed("c", i));
        List<AuditEvent> all = limiter.closeAll();
        assertEquals(2, all.size(), "c held nothing back: " + all);
        assertTrue(all.stream().anyMatch(e -> e.pluginId().equals("a") && "1".equals(e.details().get("suppressed.execute"))));
        assertTrue(all.stream().anyMatch(e -> e.pluginId().equals("b")
                && "2".equals(e.details().get("repeated.cache_get.CAPABILITY_NOT_GRANTED"))));
    }

    @Test
    public void capZeroWritesEverything() {
        VolumeLimiter limiter = new VolumeLimiter(0, clock);
        assertEquals(1000, written(limiter, 1000, i -> executed("p", i)));
        assertEquals(1000, written(limiter, 1000, i -> executeFailed("p", i, "RATE_LIMITED")));
        assertTrue(limiter.closeAll().isEmpty());
    }

    @Test
    public void aSummaryStaysWithinTheDetailsAnEntryKeeps() {
        VolumeLimiter limiter = new VolumeLimiter(1, clock);
        for (int a = 0; a < 40; a++) {
            String action = "custom_" + a;
            written(limiter, 3, i -> hostCall("p", action, "r", i, null));
            written(limiter, 3, i -> hostCall("p", action, "r", i, "LIMIT_EXCEEDED"));
        }
        AuditEvent s = limiter.closeAll().get(0);
        assertTrue(s.details().size() <= 32, s.details().size() + " details");
        long suppressed = s.details().entrySet().stream().filter(e -> e.getKey().startsWith("suppressed."))
                .mapToLong(e -> Long.parseLong(e.getValue())).sum();
        long repeated = s.details().entrySet().stream().filter(e -> e.getKey().startsWith("repeated."))
                .mapToLong(e -> Long.parseLong(e.getValue())).sum();
        assertEquals(40 * 3 - 1, suppressed, "every one counted, the rest under 'other'");
        assertEquals(40 * 2, repeated);
        assertEquals(Long.toString(suppressed), s.details().get("suppressed_total"));
    }

    @Test
    public void theErrorCodeComesFromTheDetailOrTheErrorText() {
        assertEquals("RATE_LIMITED", VolumeLimiter.code(executeFailed("p", 1, "RATE_LIMITED")));
        assertEquals("TIMEOUT", VolumeLimiter.code(new AuditEvent(T0, "p", "x", null, false, "TIMEOUT: late", Map.of())));
        assertEquals("UNKNOWN", VolumeLimiter.code(new AuditEvent(T0, "p", "x", null, false, "went wrong: x", Map.of())));
    }
}
