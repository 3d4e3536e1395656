package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.spi.HostCallException;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls the fakes of one {@link FakeProviders} served, in order. Bounded: a plugin that calls in a loop
 * must not fill the host's memory through the record meant to describe it; calls beyond the bound are counted.
 */
public final class FakeCallLog {

    private final int capacity;
    private final List<FakeCall> calls = new ArrayList<>();
    private long dropped;

    public FakeCallLog(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(FakeCall call) {
        if (calls.size() < capacity) {
            calls.add(call);
        } else {
            dropped++;
        }
    }

    void add(Capability capability, String function, String argument, String outcome) {
        add(new FakeCall(capability, function, argument, outcome));
    }

    /** Records a refusal or a fault and returns it, for {@code throw log.refused(…)}. */
    HostCallException refused(Capability capability, String function, String argument, HostCallException e) {
        add(capability, function, argument, e.code().name());
        return e;
    }

    public synchronized List<FakeCall> calls() {
        return List.copyOf(calls);
    }

    /** Calls served after the first {@code capacity}, not kept. */
    public synchronized long dropped() {
        return dropped;
    }
}
