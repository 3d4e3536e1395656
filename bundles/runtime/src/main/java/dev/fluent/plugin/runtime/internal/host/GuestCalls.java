package dev.fluent.plugin.runtime.internal.host;

import com.dylibso.chicory.runtime.Instance;

/**
 * What the functions a module imports reach when the guest calls them: the execution an instance serves at
 * that moment. Instances are made once and reused, so the functions bound into an instance only dispatch;
 * what a call may do is decided by the execution behind this interface. Used by one thread at a time.
 */
public interface GuestCalls {

    /** Bytes of stdout/stderr one execution may send to the log; the rest is dropped (a flood guard). */
    int LOG_BUDGET_BYTES = 64 * 1024;

    /**
     * One call of {@code fluent.<function>} by the guest.
     *
     * @return the function's result (ignored for functions without one)
     * @throws RuntimeException a {@link dev.fluent.plugin.api.spi.HostCallException} to end the execution
     *         with an error code, or the guest's own exception from a call back into it, unchanged
     */
    long invoke(String function, Instance instance, long[] args);

    /** Bytes the guest wrote to stdout ({@code fd} 1) or stderr (2). */
    void guestOutput(int fd, byte[] bytes);
}
