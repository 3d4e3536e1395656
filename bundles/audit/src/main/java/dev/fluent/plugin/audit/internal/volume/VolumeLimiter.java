package dev.fluent.plugin.audit.internal.volume;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.spi.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-plugin cap on audit volume, applied on the caller's thread before an entry is queued, so that a
 * flood never reaches the queue or the disk.
 *
 * <p>Only a plugin's <em>routine</em> entries are subject to it: its executions and what happens inside one
 * (an entry that carries the detail {@code request_id}: host-function uses and refusals). In each plugin's
 * window of one minute, the first {@code cap} successful routine entries are written and the rest counted.
 * Failures are always written, except one identical to a failure already written in the window (same action,
 * error code and resource; for {@code execute}, whose resource is a fresh request id, same action and code),
 * which is counted. What was counted becomes one {@link AuditActions#AUDIT_SUPPRESSED} entry when the window
 * ends: at the plugin's next entry after it, when the writer notices it has passed, when the plugin is loaded,
 * reloaded or unloaded, and when the log closes. Entries without a plugin id and a plugin's other entries
 * (load, reload, unload, suspend, resume …) are never held back.
 */
public final class VolumeLimiter {

    public static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long WINDOW_MILLIS = WINDOW.toMillis();

    /** An entry to write as it is, with nothing before it. */
    public static final Admission WRITE = new Admission(null, true);
    private static final Admission HOLD = new Admission(null, false);

    /** Actions that end the plugin's window at once, so its summary comes before them. */
    private static final Set<String> WINDOW_ENDS = Set.of(AuditActions.LOAD, AuditActions.RELOAD, AuditActions.UNLOAD);

    /**
     * What to do with an entry.
     *
     * @param summary a window's summary to write before it, or {@code null}
     * @param write whether to write the entry itself
     */
    public record Admission(AuditEvent summary, boolean write) {
    }

    private final int cap;
    private final Clock clock;
    private final ConcurrentHashMap<String, PluginWindow> windows = new ConcurrentHashMap<>();
    /** Epoch millis of the earliest end of a window that holds something back; {@link Long#MAX_VALUE}: none. */
    private final AtomicLong nextEnd = new AtomicLong(Long.MAX_VALUE);
    private final LongAdder heldBack = new LongAdder();

    /** @param cap successful routine entries per plugin per minute; {@code 0} turns the limiter off */
    public VolumeLimiter(int cap, Clock clock) {
        if (cap < 0) {
            throw new IllegalArgumentException("cap must be 0 or more, was " + cap);
        }
        this.cap = cap;
        this.clock = clock;
    }

    /** Entries counted into summaries instead of written, since the start. */
    public long heldBack() {
        return heldBack.sum();
    }

    public Admission admit(AuditEvent event) {
        String id = event.pluginId();
        if (cap == 0 || id.isEmpty()) {
            return WRITE;
        }
        boolean routine = AuditActions.EXECUTE.equals(event.action()) || event.details().containsKey("request_id");
        if (!routine) {
            return endWindow(event);
        }
        while (true) {
            long now = clock.millis();
            PluginWindow w = windows.computeIfAbsent(id, k -> new PluginWindow(k, now, WINDOW_MILLIS));
            synchronized (w) {
                if (w.retired) {
                    continue;
                }
                AuditEvent summary = w.expired(now) ? w.roll(now, cap, WINDOW_MILLIS) : null;
                boolean write = event.success() ? w.admitSuccess(event.action(), cap)
                        : w.admitFailure(event.action(), code(event),
                                AuditActions.EXECUTE.equals(event.action()) ? null : event.resource());
                if (!write) {
                    heldBack.increment();
                    nextEnd.accumulateAndGet(w.end, Math::min);
                }
                return summary == null ? (write ? WRITE : HOLD) : new Admission(summary, write);
            }
        }
    }

    /** A plugin's entry that is not routine: never held back; its window's summary goes first when it is due. */
    private Admission endWindow(AuditEvent event) {
        PluginWindow w = windows.get(event.pluginId());
        if (w == null) {
            return WRITE;
        }
        long now = clock.millis();
        synchronized (w) {
            if (w.retired || !w.expired(now) && !WINDOW_ENDS.contains(event.action())) {
                return WRITE;
            }
            AuditEvent summary = w.roll(now, cap, WINDOW_MILLIS);
            retire(w);
            return summary == null ? WRITE : new Admission(summary, true);
        }
    }

    /**
     * The summaries of the windows that have ended, for the writer to append; cheap when none has (one clock
     * read). Windows that ended holding nothing back are dropped.
     */
    public List<AuditEvent> closeEnded() {
        long now = clock.millis();
        if (now < nextEnd.get()) {
            return List.of();
        }
        nextEnd.set(Long.MAX_VALUE);
        List<AuditEvent> summaries = new ArrayList<>();
        for (PluginWindow w : windows.values()) {
            synchronized (w) {
                if (w.retired) {
                    continue;
                }
                if (w.expired(now)) {
                    AuditEvent summary = w.roll(now, cap, WINDOW_MILLIS);
                    if (summary != null) {
                        summaries.add(summary);
                    }
                    retire(w);
                } else if (w.holdsBack()) {
                    nextEnd.accumulateAndGet(w.end, Math::min);
                }
            }
        }
        return summaries;
    }

    /** Ends every window now (the log is closing): the summaries of those that held something back. */
    public List<AuditEvent> closeAll() {
        long now = clock.millis();
        List<AuditEvent> summaries = new ArrayList<>();
        for (PluginWindow w : windows.values()) {
            synchronized (w) {
                if (!w.retired) {
                    AuditEvent summary = w.roll(now, cap, WINDOW_MILLIS);
                    if (summary != null) {
                        summaries.add(summary);
                    }
                    retire(w);
                }
            }
        }
        return summaries;
    }

    /** Called holding the window's monitor. */
    private void retire(PluginWindow w) {
        w.retired = true;
        windows.remove(w.pluginId, w);
    }

    /** The error code of a failure: the runtime's {@code code} detail, else the {@code CODE:} its error starts with. */
    static String code(AuditEvent event) {
        String code = event.details().get("code");
        if (code != null) {
            return code;
        }
        String error = event.error();
        if (error != null) {
            int colon = error.indexOf(':');
            if (colon > 0 && error.substring(0, colon).matches("[A-Z][A-Z0-9_]*")) {
                return error.substring(0, colon);
            }
        }
        return "UNKNOWN";
    }
}
